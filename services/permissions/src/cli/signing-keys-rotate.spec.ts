import { parseRotateOptions } from './signing-keys-rotate';
import { CliError } from './run-cli';

describe('signing-keys:rotate arguments', () => {
  it('rotates routinely by default and withdraws the previous keys on request', () => {
    expect(parseRotateOptions([])).toEqual({ withdrawPrevious: false });
    expect(parseRotateOptions(['--withdraw-previous'])).toEqual({ withdrawPrevious: true });
  });

  it('refuses anything else with the usage', () => {
    expect(() => parseRotateOptions(['--force'])).toThrow(CliError);
    expect(() => parseRotateOptions(['now'])).toThrow(/usage: npm run signing-keys:rotate/);
  });
});
