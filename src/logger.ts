import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

/** Structured JSON logs, one line per entry, on stdout (pino). */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
/** What LOG_LEVEL may be: the least severe entries written, or silent for none. */
export const LOG_LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` (e.g. a request id) to every entry. */
  child(fields: LogFields): Logger;
}

let stdout: DestinationStream | undefined;

/**
 * Lines go to stdout in the background, and those that arrive while a write is under way go
 * out together: under load, one write for many requests' lines instead of one system call
 * per line on the event loop. pino writes what is still buffered when the process exits.
 */
function stdoutDestination(): DestinationStream {
  return (stdout ??= pino.destination({ dest: 1, sync: false }));
}

export function createLogger(minimum: LogLevel | 'silent' = 'info', write?: (line: string) => void): Logger {
  const destination = write ? { write } : minimum === 'silent' ? { write: () => undefined } : stdoutDestination();
  return wrap(
    pino(
      {
        level: minimum,
        base: null,
        messageKey: 'message',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      destination,
    ),
  );
}

function wrap(log: PinoLogger): Logger {
  return {
    debug: (message, fields) => log.debug(fields, message),
    info: (message, fields) => log.info(fields, message),
    warn: (message, fields) => log.warn(fields, message),
    error: (message, fields) => log.error(fields, message),
    child: (fields) => wrap(log.child(fields)),
  };
}

export function isLogLevel(value: string): value is LogLevel | 'silent' {
  return LOG_LEVELS.includes(value);
}
