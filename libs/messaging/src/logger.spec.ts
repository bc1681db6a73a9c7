import { logLevel } from 'kafkajs';
import { kafkaLogCreator, type MessagingLogger } from './logger';

describe(kafkaLogCreator.name, () => {
  it('routes each kafkajs level to the matching logger method with the entry fields', () => {
    const lines: [string, object, string][] = [];
    const logger: MessagingLogger = {
      error: (context, message) => lines.push(['error', context, message]),
      warn: (context, message) => lines.push(['warn', context, message]),
      info: (context, message) => lines.push(['info', context, message]),
      debug: (context, message) => lines.push(['debug', context, message]),
    };
    const log = kafkaLogCreator(logger)(logLevel.INFO);
    const entry = (level: logLevel, message: string) => ({
      namespace: 'Producer',
      level,
      label: '',
      log: { timestamp: '2024-07-15T08:30:00.000Z', message, broker: '127.0.0.1:9092' },
    });
    log(entry(logLevel.ERROR, 'Connection error'));
    log(entry(logLevel.WARN, 'Retrying'));
    log(entry(logLevel.INFO, 'Connected'));
    log(entry(logLevel.DEBUG, 'Request'));
    expect(lines).toEqual([
      ['error', { kafka: 'Producer', broker: '127.0.0.1:9092' }, 'Connection error'],
      ['warn', { kafka: 'Producer', broker: '127.0.0.1:9092' }, 'Retrying'],
      ['info', { kafka: 'Producer', broker: '127.0.0.1:9092' }, 'Connected'],
      ['debug', { kafka: 'Producer', broker: '127.0.0.1:9092' }, 'Request'],
    ]);
  });
});
