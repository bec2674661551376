import { assertEquals } from "../../../tests/assert.ts";
import { StreamHasher } from "./checksums.ts";

Deno.test("StreamHasher digests do not depend on where the commits fell", () => {
  const bytes = new Uint8Array(100).map((_, i) => i);
  const one = StreamHasher.empty().extend(2, [["x", bytes]]);
  const two = StreamHasher.empty().extend(1, [["x", bytes.subarray(0, 37)]])
    .extend(1, [["x", bytes.subarray(37)]]);
  assertEquals(one.digests(["x"]), two.digests(["x"]));
  assertEquals(two.n, 2);
});
