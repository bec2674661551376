import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { hBoundedStorage } from "./bounds.ts";
import { keyPenaltyBits } from "./constants.ts";
import { binaryEntropy } from "./entropy.ts";
import { analyticKeyMargin, projectKeyLength } from "./key_length.ts";

Deno.test("projectKeyLength() matches the derived vectors of §14.4 (m_v 10 000, leak 500)", () => {
  const byR: [number, number][] = [[0.1, 9006], [0.3, 6432], [0.5, 4432], [0.75, 1932]];
  for (const [r, l] of byR) assertEquals(projectKeyLength(10000, hBoundedStorage(r, 1), 500), l);
  const byNu: [number, number][] = [[0.5, 3182], [0.002, 4427], [0, 4432]];
  for (const [nu, l] of byNu) {
    assertEquals(projectKeyLength(10000, hBoundedStorage(0.75, nu), 500), l, `nu=${nu}`);
  }
  for (const r of [0, 0.4, 1]) {
    assertEquals(projectKeyLength(10000, hBoundedStorage(r, 0), 500), 4432);
  }
});

Deno.test("projectKeyLength() is signed below the cliff", () => {
  assert(projectKeyLength(100, 0.5, 100) < 0);
});

Deno.test("analyticKeyMargin() is min(0, (1−τ)/2·(h_bs − h(Q)) − P/N)", () => {
  const hbs = hBoundedStorage(0.9, 1);
  const expected = 0.45 * (hbs - binaryEntropy(0.05)) - keyPenaltyBits() / 1e5;
  assertClose(analyticKeyMargin(hbs, 0.05, 1e5, 0.1), expected, 1e-15);
  assertEquals(analyticKeyMargin(0.9, 0.01, 1e6, 0.1), 0);
  assertClose(analyticKeyMargin(0.5, 0.5, 1e6, 0), 0.5 * (0.5 - 1) - keyPenaltyBits() / 1e6, 1e-15);
});
