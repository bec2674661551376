/**
 * The campaign logger: human-readable lines on stderr and, optionally, in a log file, as
 * "HH:MM:SS | logger | LEVEL | message" (docs/campaign.md §1). Machine output (JSON) goes to stdout
 * and never through the logger.
 * @module
 */

/** Severity levels, Caligo's names. */
export type LogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR";

const RANK: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

/** What library code receives to report progress and problems; it never prints by itself. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger with another name that writes to the same sinks. */
  child(name: string): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lowest level written (default INFO). */
  level?: LogLevel;
  /** Logger name in each line (default "caligo"). */
  name?: string;
  /** Append every line (at any level ≥ `level`) to this file as well. */
  file?: string;
  /** Write to stderr (default true). */
  stderr?: boolean;
  /** Clock for the time stamp (default: local wall clock). */
  now?: () => Date;
}

/** A logger that drops everything: for library calls whose caller wants silence. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/**
 * Create a logger. The file, if any, is opened once in append mode and written synchronously so
 * that a line survives a crash right after it.
 */
export function createLogger(options: LoggerOptions = {}): Logger & { close(): void } {
  const threshold = RANK[options.level ?? "INFO"];
  const now = options.now ?? (() => new Date());
  const encoder = new TextEncoder();
  const file = options.file
    ? Deno.openSync(options.file, { create: true, append: true, write: true })
    : undefined;
  const toStderr = options.stderr ?? true;
  const write = (name: string, level: LogLevel, message: string) => {
    if (RANK[level] < threshold) return;
    const t = now();
    const stamp = [t.getHours(), t.getMinutes(), t.getSeconds()]
      .map((v) => String(v).padStart(2, "0")).join(":");
    const line = `${stamp} | ${name} | ${level} | ${message}\n`;
    const bytes = encoder.encode(line);
    if (toStderr) Deno.stderr.writeSync(bytes);
    if (file) file.writeSync(bytes);
  };
  const make = (name: string): Logger => ({
    debug: (m) => write(name, "DEBUG", m),
    info: (m) => write(name, "INFO", m),
    warn: (m) => write(name, "WARNING", m),
    error: (m) => write(name, "ERROR", m),
    child: (child) => make(child),
  });
  return { ...make(options.name ?? "caligo"), close: () => file?.close() };
}
