/**
 * Small assertion helpers for tests (JSR's @std/assert is not reachable here). They wrap
 * node:assert/strict and add tolerance checks that print both values.
 * @module
 */
import nodeAssert from "node:assert/strict";

/** Assert deep strict equality. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** Assert deep strict inequality. */
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message);
}

/** Assert a condition holds. */
export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new nodeAssert.AssertionError({ message });
}

/** Assert |actual − expected| ≤ tolerance (absolute). */
export function assertClose(
  actual: number,
  expected: number,
  tolerance: number,
  message = "",
): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new nodeAssert.AssertionError({
      message: `${message ? message + ": " : ""}expected ${expected} ± ${tolerance}, got ${actual}`,
    });
  }
}

/** Assert `fn` throws an instance of `ErrorClass` whose message contains `includes`. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  ErrorClass: new (...args: any[]) => E,
  includes?: string,
): E {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ErrorClass)) {
      throw new nodeAssert.AssertionError({
        message: `expected ${ErrorClass.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`,
      });
    }
    if (includes !== undefined && !e.message.includes(includes)) {
      throw new nodeAssert.AssertionError({
        message: `expected message to include ${JSON.stringify(includes)}, got ${
          JSON.stringify(e.message)
        }`,
      });
    }
    return e;
  }
  throw new nodeAssert.AssertionError({ message: `expected ${ErrorClass.name} to be thrown` });
}

/** Async variant of {@link assertThrows}. */
export async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  ErrorClass: new (...args: any[]) => E,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof ErrorClass)) {
      throw new nodeAssert.AssertionError({
        message: `expected ${ErrorClass.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`,
      });
    }
    if (includes !== undefined && !e.message.includes(includes)) {
      throw new nodeAssert.AssertionError({
        message: `expected message to include ${JSON.stringify(includes)}, got ${
          JSON.stringify(e.message)
        }`,
      });
    }
    return e;
  }
  throw new nodeAssert.AssertionError({ message: `expected ${ErrorClass.name} to be thrown` });
}
