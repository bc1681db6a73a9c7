import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type INestApplicationContext } from '@nestjs/common';
import { ConfigError, loadConfig } from '@fieldforce/platform';
import { type PermissionsConfig, PermissionsEnv, toPermissionsConfig } from '../config/permissions.config';
import { CliModule } from './cli.module';

/** A failure the user can fix: printed as one line, exit code 1. */
export class CliError extends Error {}

/**
 * Runs a command with the permissions service's config and a Nest context on its schema; prints
 * a CliError or ConfigError as one line, anything else with its stack, and sets the exit code.
 */
export function runCli(command: (app: INestApplicationContext, config: PermissionsConfig) => Promise<void>): void {
  const run = async (): Promise<number> => {
    const config = loadConfig(PermissionsEnv, toPermissionsConfig);
    const app = await NestFactory.createApplicationContext(CliModule.forConfig(config), { logger: ['error', 'warn'] });
    try {
      await command(app, config);
      return 0;
    } finally {
      await app.close();
    }
  };
  run().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const known = error instanceof CliError || error instanceof ConfigError;
      process.stderr.write(`${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
