/**
 * The project's error hierarchy. Bad input and broken invariants are thrown as subclasses of
 * {@link CaligoError}; they carry their data so callers check fields instead of parsing messages.
 * Expected scientific outcomes (aborts, non-convergence) are values, never exceptions.
 * @module
 */

/** Base class of every error the project throws on purpose. */
export class CaligoError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration key holds a value that is not allowed. Tasks exit with code 2. */
export class ConfigError extends CaligoError {
  constructor(
    readonly path: string,
    readonly value: unknown,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${path}: ${reason}${value === undefined ? "" : `, got ${show(value)}`}`, options);
  }
}

/** A command-line flag is missing, unknown or malformed. Tasks exit with code 2. */
export class UsageError extends CaligoError {}

/** A function argument is outside its documented domain (a programming or input error). */
export class InvalidArgumentError extends CaligoError {
  constructor(
    readonly argument: string,
    readonly value: unknown,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`${argument}: ${reason}, got ${show(value)}`, options);
  }
}

/** A file has the wrong format, a wrong hash, or is truncated. */
export class FileFormatError extends CaligoError {
  constructor(readonly file: string, reason: string, options?: ErrorOptions) {
    super(`${file}: ${reason}`, options);
  }
}

function show(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return `${value}n`;
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 200 ? `${s.slice(0, 197)}...` : s;
  } catch {
    return String(value);
  }
}
