import { Logger as NestLogger } from '@nestjs/common';
import { logLevel as KafkaLogLevel, type logCreator } from 'kafkajs';

/** The logging the messaging lib needs; a pino logger (or nestjs-pino's PinoLogger) satisfies it. */
export interface MessagingLogger {
  error(context: object, message: string): void;
  warn(context: object, message: string): void;
  info(context: object, message: string): void;
  debug(context: object, message: string): void;
}

/** Routes kafkajs's own log lines to `logger`, so the client never writes to the console. */
export function kafkaLogCreator(logger: MessagingLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const context = { ...extra, kafka: namespace };
      switch (level) {
        case KafkaLogLevel.ERROR:
          logger.error(context, message);
          break;
        case KafkaLogLevel.WARN:
          logger.warn(context, message);
          break;
        case KafkaLogLevel.INFO:
          logger.info(context, message);
          break;
        case KafkaLogLevel.DEBUG:
        case KafkaLogLevel.NOTHING:
          logger.debug(context, message);
          break;
      }
    };
}

/** A MessagingLogger writing through Nest's logger (which nestjs-pino replaces app-wide). */
export function nestMessagingLogger(context: string): MessagingLogger {
  const nest = new NestLogger(context);
  return {
    error: (fields, message) => nest.error({ msg: message, ...fields }),
    warn: (fields, message) => nest.warn({ msg: message, ...fields }),
    info: (fields, message) => nest.log({ msg: message, ...fields }),
    debug: (fields, message) => nest.debug({ msg: message, ...fields }),
  };
}
