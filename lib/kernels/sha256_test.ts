import { assertEquals } from "../../tests/assert.ts";
import { sha256, toHex } from "./sha256.ts";
import { campaignRng } from "./rng.ts";

Deno.test("sha256() matches the FIPS 180-4 test vectors", () => {
  assertEquals(
    toHex(sha256("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assertEquals(
    toHex(sha256("")),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assertEquals(
    toHex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
});

Deno.test("sha256() agrees with Web Crypto at every length 0..200 (padding edge cases)", async () => {
  const rng = campaignRng(5, "test/sha");
  for (let len = 0; len <= 200; len++) {
    const bytes = new Uint8Array(len);
    for (let i = 0; i < len; i++) bytes[i] = rng.nextBelow(256);
    const ref = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    assertEquals(toHex(sha256(bytes)), toHex(ref), `length ${len}`);
  }
});
