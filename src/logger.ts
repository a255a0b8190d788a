import pino, { type DestinationStream, type LoggerOptions, type Logger as PinoLogger } from 'pino';

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

/** What may wait for stdout by default, unless LOG_BUFFER_BYTES says otherwise. */
export const DEFAULT_LOG_BUFFER_BYTES = 16 * 1024 * 1024;

let stdout: DestinationStream | undefined;
let droppedLines = 0;

/** Log lines dropped so far because stdout was not taking them (ordered_log_lines_dropped_total). */
export function droppedLogLines(): number {
  return droppedLines;
}

function pinoOptions(minimum: LogLevel | 'silent'): LoggerOptions {
  return {
    level: minimum,
    base: null,
    messageKey: 'message',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
}

/**
 * Lines go to stdout in the background, and those that arrive while a write is under way go
 * out together: under load, one write for many requests' lines instead of one system call
 * per line on the event loop. pino writes what is still buffered when the process exits.
 * A reader that stops (a stalled log shipper, a paused terminal) would make the instance hold
 * every line in memory until it ran out: past `bufferBytes` waiting, lines are dropped and
 * counted, and one line says how many once stdout has taken the rest.
 */
function stdoutDestination(bufferBytes: number): DestinationStream {
  if (stdout) return stdout;
  const destination = pino.destination({ dest: 1, sync: false, maxLength: bufferBytes });
  const reporter = pino(pinoOptions('warn'), destination);
  let unreported = 0;
  destination.on('drop', () => {
    droppedLines += 1;
    unreported += 1;
  });
  destination.on('drain', () => {
    if (unreported === 0) return;
    reporter.warn({ dropped: unreported }, 'log lines dropped: stdout was not taking them');
    unreported = 0;
  });
  return (stdout = destination);
}

/** A logger writing to `write`, or else to stdout with at most `bufferBytes` waiting for it. */
export function createLogger(minimum: LogLevel | 'silent' = 'info', write?: (line: string) => void, bufferBytes = DEFAULT_LOG_BUFFER_BYTES): Logger {
  const destination = write ? { write } : minimum === 'silent' ? { write: () => undefined } : stdoutDestination(bufferBytes);
  return wrap(pino(pinoOptions(minimum), destination));
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
