import { assertEquals } from "../../tests/assert.ts";
import { blockLeakage, type BlockLeakageInput } from "./leakage.ts";

const base: BlockLeakageInput = {
  accounting: "elkouss",
  checks: 2048,
  puncturedEnd: 300,
  revealed: 0,
  payloadBits: 3686,
  blockCapacity: 3686,
  hashBits: 64,
  verified: true,
};

Deno.test("blockLeakage() matches hand-computed cases of the three accountings", () => {
  // elkouss: syndrome 2048 − still punctured 300 = 1748.
  assertEquals(blockLeakage(base), { ec: 1748, hash: 64 });
  // blind after revealing 136 of d = 410: p_end = 274 → 2048 − 274 = 1774 = 2048 − 410 + 136.
  assertEquals(blockLeakage({ ...base, puncturedEnd: 274, revealed: 136 }), { ec: 1774, hash: 64 });
  // tail block of L = 1000 payload bits: EC capped at L.
  assertEquals(blockLeakage({ ...base, payloadBits: 1000 }), { ec: 1000, hash: 64 });
  // conservative: full syndrome + revealed.
  assertEquals(blockLeakage({ ...base, accounting: "conservative", revealed: 136 }), {
    ec: 2184,
    hash: 64,
  });
  // caligo: full syndrome + revealed for verified blocks only, also for a short tail.
  assertEquals(blockLeakage({ ...base, accounting: "caligo", payloadBits: 10 }), {
    ec: 2048,
    hash: 64,
  });
  assertEquals(blockLeakage({ ...base, accounting: "caligo", verified: false }), {
    ec: 0,
    hash: 0,
  });
  // elkouss and conservative charge failed blocks.
  assertEquals(blockLeakage({ ...base, verified: false }), { ec: 1748, hash: 64 });
});
