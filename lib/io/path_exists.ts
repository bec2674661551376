/**
 * Whether a path exists (following symbolic links); other errors than "not found" propagate.
 * @module
 */

/** Whether `path` exists. */
export function pathExistsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
