import { assertEquals } from "../../tests/assert.ts";
import { tagsEqual, verificationTag } from "./verification_tag.ts";

Deno.test("verificationTag() is the first 8 bytes of SHA-256(key ‖ id ‖ uint32 BE index ‖ packed bits)", async () => {
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  const bits = Uint8Array.of(1, 0, 1, 1, 0, 0, 0, 1, 1, 1);
  // Hand-packed: 10110001 = 0xb1, 11000000 = 0xc0.
  const message = new Uint8Array([...key, 1, 0, 0, 1, 2, 0xb1, 0xc0]);
  const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", message)).subarray(0, 8);
  const tag = verificationTag(key, 1, 258, bits, 8);
  assertEquals(Array.from(tag), Array.from(expected));
  assertEquals(tagsEqual(tag, expected), true);
  assertEquals(tagsEqual(tag, verificationTag(key, 0, 258, bits, 8)), false);
});
