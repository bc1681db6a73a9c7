import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type INestApplicationContext } from '@nestjs/common';
import { ConfigError, loadConfig } from '@fieldforce/platform';
import { type PermissionsConfig, PermissionsEnv, toPermissionsConfig } from '../config/permissions.config';
import { CliModule } from './cli.module';

/** A failure the user can fix: printed as one line, exit code 1. */
export class CliError extends Error {}

export interface CliContext {
  config: PermissionsConfig;
  /** Runs `work` with a Nest context on the service's schema, closed afterwards. */
  withApp<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T>;
}

/**
 * Runs a command with the permissions service's validated config; the database is opened only
 * when the command asks for it (after its arguments are checked). Prints a CliError or
 * ConfigError as one line, anything else with its stack, and sets the exit code.
 */
export function runCli(command: (cli: CliContext) => Promise<void>): void {
  const run = async (): Promise<void> => {
    const config = loadConfig(PermissionsEnv, toPermissionsConfig);
    await command({
      config,
      withApp: async (work) => {
        const app = await NestFactory.createApplicationContext(CliModule.forConfig(config), { logger: ['error', 'warn'] });
        try {
          return await work(app);
        } finally {
          await app.close();
        }
      },
    });
  };
  run().then(
    () => {
      process.exitCode = 0;
    },
    (error: unknown) => {
      const known = error instanceof CliError || error instanceof ConfigError;
      process.stderr.write(`${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
