/**
 * Small parity-check matrices shared by the LDPC unit tests.
 * @module
 */
import { createParityCheckMatrix, type ParityCheckMatrix } from "./parity_check_matrix.ts";

/**
 * Length-n repetition code as a chain: check i is x_i ⊕ x_{i+1} (n − 1 checks). Its Tanner graph
 * is a tree, so belief propagation is exact on it.
 */
export function repetitionCode(n: number): ParityCheckMatrix {
  const rowPtr = new Int32Array(n);
  const colIdx = new Int32Array(2 * (n - 1));
  for (let i = 0; i < n - 1; i++) {
    rowPtr[i + 1] = 2 * (i + 1);
    colIdx[2 * i] = i;
    colIdx[2 * i + 1] = i + 1;
  }
  return createParityCheckMatrix(n - 1, n, rowPtr, colIdx);
}

/**
 * Read a matrix in the shared CSR text format for tests (kernels must not import lib/io; the
 * validating parser is lib/io/csr_text.ts). Returns null when the file is absent.
 */
export async function readCsrForTest(url: URL): Promise<ParityCheckMatrix | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(url);
  } catch {
    return null;
  }
  const [header, rows, cols] = text.trim().split("\n").map((l) =>
    l.trim().split(/\s+/).map(Number)
  );
  return createParityCheckMatrix(
    header[0],
    header[1],
    Int32Array.from(rows),
    Int32Array.from(cols),
  );
}
