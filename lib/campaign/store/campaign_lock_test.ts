import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import {
  acquireCampaignLock,
  CampaignLockedError,
  LOCK_FILE,
  type LockRecord,
  readCampaignLock,
} from "./campaign_lock.ts";

function tempDir(): string {
  return Deno.makeTempDirSync({ prefix: "caligo_lock_" });
}

function plant(dir: string, r: Partial<LockRecord>): void {
  const t = new Date().toISOString();
  Deno.writeTextFileSync(
    `${dir}/${LOCK_FILE}`,
    JSON.stringify({
      schema: "caligo-ts/campaign-lock/1",
      owner: "explore",
      host: "node-a",
      pid: 123456,
      token: "planted",
      startedAt: t,
      heartbeatAt: t,
      heartbeatMs: 30000,
      ...r,
    }),
  );
}

Deno.test("acquireCampaignLock() refuses a second holder and releases on release()", () => {
  const dir = tempDir();
  const lock = acquireCampaignLock(dir, { owner: "explore" });
  try {
    assertEquals(readCampaignLock(dir)?.pid, Deno.pid);
    const e = assertThrows(() => acquireCampaignLock(dir, { owner: "merge" }), CampaignLockedError);
    assert(e.message.includes(`pid ${Deno.pid}`), e.message);
  } finally {
    lock.release();
  }
  assertEquals(readCampaignLock(dir), null);
  acquireCampaignLock(dir, { owner: "explore" }).release(); // free again
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("acquireCampaignLock() takes over a lock of a dead pid on this host", () => {
  const dir = tempDir();
  plant(dir, { host: "node-a", pid: 123456 });
  const takeovers: string[] = [];
  const lock = acquireCampaignLock(dir, {
    owner: "explore",
    host: "node-a",
    onTakeover: (_s, why) => takeovers.push(why),
  });
  assertEquals(takeovers.length, 1);
  assert(takeovers[0].includes("not running"), takeovers[0]);
  assertEquals(readCampaignLock(dir)?.token, lock.record.token);
  lock.release();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("acquireCampaignLock() respects a live owner on this host (its flock held) and a fresh heartbeat from another host", () => {
  const dir = tempDir();
  plant(dir, { host: "node-a", pid: 123456 });
  const owner = Deno.openSync(`${dir}/${LOCK_FILE}`, { read: true });
  owner.lockSync(true); // what a live owner holds
  try {
    assertThrows(
      () => acquireCampaignLock(dir, { owner: "explore", host: "node-a" }),
      CampaignLockedError,
    );
  } finally {
    owner.close();
  }
  // another host: a free flock proves nothing there, only the heartbeat counts
  assertThrows(
    () => acquireCampaignLock(dir, { owner: "explore", host: "node-b" }),
    CampaignLockedError,
  );
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("acquireCampaignLock() takes over a lock whose heartbeat is older than the limit (requeue to another node)", () => {
  const dir = tempDir();
  plant(dir, { host: "node-a", heartbeatAt: new Date(Date.now() - 11 * 60_000).toISOString() });
  const lock = acquireCampaignLock(dir, { owner: "explore", host: "node-b" });
  assertEquals(readCampaignLock(dir)?.host, "node-b");
  lock.release();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("CampaignLock.refresh() moves the heartbeat and reports a lock taken over from under it", () => {
  const dir = tempDir();
  let t = Date.parse("2025-01-01T00:00:00Z");
  const lost: (LockRecord | null)[] = [];
  const lock = acquireCampaignLock(dir, {
    owner: "explore",
    now: () => t,
    onLost: (h) => lost.push(h),
  });
  t += 45_000;
  lock.refresh();
  assertEquals(readCampaignLock(dir)?.heartbeatAt, "2025-01-01T00:00:45.000Z");
  plant(dir, { token: "thief" });
  lock.refresh();
  assertEquals(lost.length, 1);
  assertEquals(lost[0]?.token, "thief");
  lock.release(); // not ours any more: left in place
  assertEquals(readCampaignLock(dir)?.token, "thief");
  Deno.removeSync(dir, { recursive: true });
});
