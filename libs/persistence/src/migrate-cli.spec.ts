import { parseMigrateCommand } from './migrate-cli';

describe(parseMigrateCommand.name, () => {
  it('reads up, status and down with an optional step count', () => {
    expect(parseMigrateCommand(['up'])).toEqual({ kind: 'up' });
    expect(parseMigrateCommand(['status'])).toEqual({ kind: 'status' });
    expect(parseMigrateCommand(['down'])).toEqual({ kind: 'down', steps: 1 });
    expect(parseMigrateCommand(['down', '3'])).toEqual({ kind: 'down', steps: 3 });
  });

  it.each([[[]], [['sideways']], [['up', '2']], [['down', '0']], [['down', 'two']], [['down', '1', 'x']]])(
    'rejects %j with the usage line',
    (args) => {
      expect(() => parseMigrateCommand(args)).toThrow(/usage: migrate up \| down \[steps\] \| status/);
    },
  );
});
