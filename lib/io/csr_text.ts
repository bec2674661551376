/**
 * The shared plain-text CSR format of parity-check matrices (tests/fixtures/ldpc_README.md):
 * line 1 `m n E`; line 2 the m+1 row pointers; line 3 the E column indices (0-based, sorted within
 * each row). {@link parseCsrText} is pure; {@link readCsrTextFile} / {@link writeCsrTextFile} do
 * the file I/O.
 * @module
 */
import { FileFormatError } from "../errors.ts";
import {
  createParityCheckMatrix,
  type ParityCheckMatrix,
} from "../kernels/ldpc/parity_check_matrix.ts";

function parseIntegers(line: string, source: string, what: string): Int32Array {
  const tokens = line.trim().split(/\s+/).filter((t) => t.length > 0);
  const out = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!/^-?\d+$/.test(t)) {
      throw new FileFormatError(
        source,
        `${what}: token ${i} ${JSON.stringify(t)} is not an integer`,
      );
    }
    out[i] = Number(t);
  }
  return out;
}

/**
 * Parse CSR text into a validated {@link ParityCheckMatrix}.
 * @param text file contents
 * @param source file name used in error messages
 * @throws FileFormatError when the header, counts, row pointers or column indices are inconsistent
 * @example
 * ```ts
 * import { parseCsrText } from "./csr_text.ts";
 * const h = parseCsrText("2 3 4\n0 2 4\n0 1 1 2\n", "inline");
 * console.assert(h.m === 2 && h.n === 3 && h.edges === 4);
 * ```
 */
export function parseCsrText(text: string, source: string): ParityCheckMatrix {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length !== 3) {
    throw new FileFormatError(
      source,
      `expected 3 non-empty lines (header, row pointers, column indices), found ${lines.length}`,
    );
  }
  const header = parseIntegers(lines[0], source, "header");
  if (header.length !== 3) {
    throw new FileFormatError(source, `header must be "m n E", found ${header.length} numbers`);
  }
  const [m, n, edges] = header;
  if (m < 1 || n < 1 || edges < 0) {
    throw new FileFormatError(source, `header m=${m} n=${n} E=${edges} must be positive`);
  }
  const rowPtr = parseIntegers(lines[1], source, "row pointers");
  if (rowPtr.length !== m + 1) {
    throw new FileFormatError(
      source,
      `expected m+1 = ${m + 1} row pointers, found ${rowPtr.length}`,
    );
  }
  if (rowPtr[m] !== edges) {
    throw new FileFormatError(source, `last row pointer ${rowPtr[m]} differs from E = ${edges}`);
  }
  const colIdx = parseIntegers(lines[2], source, "column indices");
  if (colIdx.length !== edges) {
    throw new FileFormatError(
      source,
      `expected E = ${edges} column indices, found ${colIdx.length}`,
    );
  }
  try {
    return createParityCheckMatrix(m, n, rowPtr, colIdx);
  } catch (e) {
    throw new FileFormatError(source, `inconsistent matrix: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Format a matrix in the shared CSR text format (inverse of {@link parseCsrText}).
 * @example
 * ```ts
 * import { formatCsrText, parseCsrText } from "./csr_text.ts";
 * const text = "2 3 4\n0 2 4\n0 1 1 2\n";
 * console.assert(formatCsrText(parseCsrText(text, "inline")) === text);
 * ```
 */
export function formatCsrText(h: ParityCheckMatrix): string {
  return `${h.m} ${h.n} ${h.edges}\n${h.rowPtr.join(" ")}\n${h.colIdx.join(" ")}\n`;
}

/** Read and parse a CSR text file (needs read permission on `path`). */
export async function readCsrTextFile(path: string): Promise<ParityCheckMatrix> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) throw e;
    throw new FileFormatError(path, `cannot read: ${(e as Error).message}`, { cause: e });
  }
  return parseCsrText(text, path);
}

/** Write a matrix as a CSR text file. */
export async function writeCsrTextFile(path: string, h: ParityCheckMatrix): Promise<void> {
  await Deno.writeTextFile(path, formatCsrText(h));
}
