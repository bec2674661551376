import { assert, assertEquals, assertNotEquals } from "../../tests/assert.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";
import { sha256 } from "../kernels/sha256.ts";
import {
  allocateBobRecord,
  commitBobRecord,
  openingIsConsistent,
  randomBytes,
} from "./commitment.ts";

const rng = () => new Xoshiro128StarStar(new Uint32Array([9, 8, 7, 6]));

Deno.test("commitBobRecord() hashes nonce ‖ θB ‖ b and equals Web Crypto's SHA-256", async () => {
  const rec = allocateBobRecord(100);
  for (let i = 0; i < 100; i++) {
    rec.thetaB[i] = i & 1;
    rec.b[i] = (i >> 1) & 1;
  }
  const c = commitBobRecord(rec, rng());
  assertEquals(c, sha256(Uint8Array.from([...rec.nonce, ...rec.thetaB, ...rec.b])));
  const web = new Uint8Array(await crypto.subtle.digest("SHA-256", rec.buffer.slice()));
  assertEquals(c, web);
  assertEquals(rec.nonce, randomBytes(rng(), new Uint8Array(32)));
  rec.b[5] ^= 1;
  assertNotEquals(sha256(rec.buffer), c);
});

Deno.test("openingIsConsistent() accepts the honest opening and rejects a changed bit", () => {
  const rec = allocateBobRecord(10);
  rec.b[3] = 1;
  const t = Int32Array.of(3, 7);
  assert(openingIsConsistent(rec, t, Uint8Array.of(0, 0), Uint8Array.of(1, 0)));
  assert(!openingIsConsistent(rec, t, Uint8Array.of(0, 0), Uint8Array.of(0, 0)));
});
