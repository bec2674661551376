/**
 * Typed errors of the GP surrogate. Each carries its data so callers check fields.
 * @module
 */
import { CaligoError, InvalidArgumentError } from "../errors.ts";

/** K̂ stayed not positive definite after the jitter escalation of docs/campaign.md §9.2. */
export class NotPositiveDefiniteError extends CaligoError {
  constructor(
    readonly n: number,
    readonly column: number,
    readonly jitter: number,
    options?: ErrorOptions,
  ) {
    super(
      `Cholesky of the ${n}×${n} kernel matrix failed at column ${column} with jitter ` +
        `${jitter.toExponential(2)} (escalated to its maximum); remove duplicate inputs, raise ` +
        `the noise lower bound, or check the inputs for NaN`,
      options,
    );
  }
}

/** A target or input value is NaN or ±Inf. */
export class NonFiniteDataError extends InvalidArgumentError {
  constructor(argument: string, readonly index: number, value: number) {
    super(`${argument}[${index}]`, value, "must be finite (NaN/Inf targets or inputs rejected)");
  }
}

/** Array lengths do not match the stated dimension (n×d row-major). */
export class DimensionMismatchError extends InvalidArgumentError {
  constructor(argument: string, readonly length: number, readonly expected: string) {
    super(argument, length, `length must be ${expected}`);
  }
}

/** Fewer training points than the fit needs (at least 1). */
export class InsufficientDataError extends InvalidArgumentError {
  constructor(readonly n: number, readonly minimum: number) {
    super("data.y.length", n, `a GP needs at least ${minimum} training point(s)`);
  }
}
