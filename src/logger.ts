/** Structured JSON logs, one line per entry, on stdout. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` (e.g. a request id) to every entry. */
  child(fields: LogFields): Logger;
}

export function createLogger(
  minimum: LogLevel | 'silent' = 'info',
  write: (line: string) => void = (line) => process.stdout.write(line),
  context: LogFields = {},
): Logger {
  const log = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    if (minimum === 'silent' || ORDER[level] < ORDER[minimum]) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...context, ...fields })}\n`);
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger(minimum, write, { ...context, ...fields }),
  };
}

export function isLogLevel(value: string | undefined): value is LogLevel | 'silent' {
  return value !== undefined && (value in ORDER || value === 'silent');
}
