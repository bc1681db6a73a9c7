import { crc32c } from './crc32c';
import { kafkajsRecord, kafkajsRecordBatch } from './protocol/kafkajs-reference.test-helper';

describe(crc32c.name, () => {
  it('gives the CRC-32C check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('gives 0 for no bytes', () => {
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('matches the CRC kafkajs stores in a record batch, over attributes onward', async () => {
    const batch = await kafkajsRecordBatch({ records: [kafkajsRecord({ key: 'k', value: 'v'.repeat(300) })] });
    expect(crc32c(batch, 21)).toBe(batch.readUInt32BE(17));
  });

  it('checks only the requested range', () => {
    const bytes = Buffer.from('xx123456789yy');
    expect(crc32c(bytes, 2, 11)).toBe(0xe3069283);
  });
});
