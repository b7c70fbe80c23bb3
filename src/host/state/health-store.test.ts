import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  isAvailable,
  isCoolingDown,
  makeCredentialKey,
  makeModelKey,
  remainingCooldownMs,
} from "./health.js";
import {
  type HealthStore,
  type HealthStoreWarning,
  MemoryHealthStore,
  type ScheduleFlush,
  SqliteHealthStore,
  type SqliteHealthStoreOptions,
} from "./health-store.js";

const NOW = 1_700_000_000_000;
const roots: string[] = [];

function makeDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "llmux-health-"));
  roots.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

/** A scheduler the test fires by hand: no sleeping, no timers left behind. */
function makeManualScheduler() {
  const entries: Array<{ run: () => void; delayMs: number; cancelled: boolean }> = [];
  const schedule: ScheduleFlush = (run, delayMs) => {
    const entry = { run, delayMs, cancelled: false };
    entries.push(entry);
    return () => {
      entry.cancelled = true;
    };
  };
  return {
    schedule,
    scheduledCount: () => entries.filter((entry) => !entry.cancelled).length,
    /** Delays of the callbacks still due. */
    delays: () => entries.filter((entry) => !entry.cancelled).map((entry) => entry.delayMs),
    /** Run every scheduled, not cancelled, not yet run callback. */
    fire(): void {
      for (const entry of entries.splice(0)) if (!entry.cancelled) entry.run();
    },
  };
}

function openStore(dataDir: string, options: Partial<SqliteHealthStoreOptions> = {}): SqliteHealthStore {
  return SqliteHealthStore.open({
    dataDir,
    now: () => NOW,
    scheduleFlush: makeManualScheduler().schedule,
    ...options,
  });
}

/** What another process would see in the file right now. */
function readRows(dataDir: string): Array<Record<string, unknown>> {
  const db = new Database(join(dataDir, "health.db"), { readonly: true });
  try {
    return db.prepare("SELECT * FROM health ORDER BY key").all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

const factories: Array<[string, () => HealthStore]> = [
  ["memory", () => new MemoryHealthStore()],
  ["sqlite", () => openStore(makeDataDir())],
];

describe.each(factories)("%s health store", (_name, create) => {
  it("knows nothing about a key until it is updated", () => {
    const store = create();
    expect(store.get("up1/k1")).toBeUndefined();
    expect(store.all()).toEqual([]);
    store.close();
  });

  it("creates a record with defaults and merges later patches", () => {
    const store = create();
    const first = store.update("up1/k1", { consecutiveErrors: 1, lastError: "HTTP 500", lastErrorAt: NOW });
    expect(first).toEqual({
      key: "up1/k1",
      cooldownUntil: 0,
      reason: "",
      consecutiveErrors: 1,
      lastError: "HTTP 500",
      lastErrorAt: NOW,
      penalty: 0,
      disabled: false,
    });
    const second = store.update("up1/k1", {
      cooldownUntil: NOW + 30_000,
      reason: "rate-limit",
      penalty: 2.5,
    });
    expect(second).toMatchObject({
      consecutiveErrors: 1,
      lastError: "HTTP 500",
      cooldownUntil: NOW + 30_000,
    });
    expect(second).toMatchObject({ reason: "rate-limit", penalty: 2.5 });
    expect(store.get("up1/k1")).toEqual(second);
    expect(first.cooldownUntil).toBe(0);
    store.close();
  });

  it("lists every key, credentials and models alike", () => {
    const store = create();
    store.update(makeCredentialKey("up1", "k1"), { disabled: true, reason: "manual" });
    store.update(makeModelKey("up1", "gpt-4o"), { penalty: 1 });
    expect(
      store
        .all()
        .map((record) => record.key)
        .sort(),
    ).toEqual(["credential:up1/k1", "model:up1/gpt-4o"]);
    store.close();
  });

  it("forgets a key on reset, and resetting an unknown key is harmless", () => {
    const store = create();
    store.update("up1/k1", {
      cooldownUntil: NOW + 1000,
      reason: "auth",
      consecutiveErrors: 4,
      disabled: true,
    });
    store.reset("up1/k1");
    store.reset("up1/never-seen");
    expect(store.get("up1/k1")).toBeUndefined();
    expect(store.all()).toEqual([]);
    const fresh = store.update("up1/k1", {});
    expect(fresh).toMatchObject({ consecutiveErrors: 0, disabled: false, cooldownUntil: 0 });
    store.close();
  });

  it("keeps secrets out of the last error and bounds its length", () => {
    const store = create();
    const record = store.update("up1/k1", {
      lastError:
        "401 for Authorization: Bearer sk-live-abcdefghijklmnop with key=AIzaSyA1234567890abcdefghijk\n\n",
    });
    expect(record.lastError).not.toMatch(/abcdefghijklmnop|AIzaSy/);
    expect(record.lastError).toContain("[redacted]");
    expect(record.lastError.startsWith("401 for Authorization:")).toBe(true);
    expect(store.update("up1/k1", { lastError: "x".repeat(5000) }).lastError.length).toBeLessThanOrEqual(300);
    store.close();
  });

  it("clamps numbers that cannot be stored", () => {
    const store = create();
    const record = store.update("up1/k1", {
      cooldownUntil: Number.NaN,
      consecutiveErrors: -3,
      penalty: Number.POSITIVE_INFINITY,
      lastErrorAt: 12.7,
    });
    expect(record).toMatchObject({ cooldownUntil: 0, consecutiveErrors: 0, penalty: 0, lastErrorAt: 12 });
    store.close();
  });
});

describe("cooldown questions", () => {
  const cooling = new MemoryHealthStore().update("up1/k1", {
    cooldownUntil: NOW + 5000,
    reason: "rate-limit",
  });

  it.each([
    ["before the cooldown ends", NOW, true, 5000],
    ["one ms before the end", NOW + 4999, true, 1],
    ["exactly at the end", NOW + 5000, false, 0],
    ["after the end", NOW + 60_000, false, 0],
  ])("%s", (_label, now, coolingDown, remaining) => {
    expect(isCoolingDown(cooling, now)).toBe(coolingDown);
    expect(isAvailable(cooling, now)).toBe(!coolingDown);
    expect(remainingCooldownMs(cooling, now)).toBe(remaining);
  });

  it("treats unknown keys as healthy and disabled ones as unavailable", () => {
    expect(isCoolingDown(undefined, NOW)).toBe(false);
    expect(isAvailable(undefined, NOW)).toBe(true);
    const disabled = new MemoryHealthStore().update("up1/k2", { disabled: true });
    expect(isCoolingDown(disabled, NOW)).toBe(false);
    expect(isAvailable(disabled, NOW)).toBe(false);
  });
});

describe("SqliteHealthStore persistence", () => {
  it("restores cooldowns still in the future and drops expired ones, keeping counters and flags", () => {
    const dataDir = makeDataDir();
    const store = openStore(dataDir);
    store.update("up1/k1", { cooldownUntil: NOW + 60_000, reason: "quota", consecutiveErrors: 2 });
    store.update("up1/k2", { cooldownUntil: NOW + 1000, reason: "rate-limit", consecutiveErrors: 3 });
    store.update("up1/k2", { lastError: "HTTP 429 Too Many Requests", lastErrorAt: NOW - 10, penalty: 1.5 });
    store.update("up1/k3", { disabled: true, reason: "manual" });
    store.update("up1/gpt-4o", { cooldownUntil: NOW + 2000, reason: "overloaded" });
    store.close();

    // Restart 10 s later: k2's and gpt-4o's reset times have passed, k1's has not.
    const later = openStore(dataDir, { now: () => NOW + 10_000 });
    expect(later.persistent).toBe(true);
    expect(later.warnings).toEqual([]);
    expect(later.get("up1/k1")).toMatchObject({
      cooldownUntil: NOW + 60_000,
      reason: "quota",
      consecutiveErrors: 2,
    });
    expect(later.get("up1/k2")).toEqual({
      key: "up1/k2",
      cooldownUntil: 0,
      reason: "",
      consecutiveErrors: 3,
      lastError: "HTTP 429 Too Many Requests",
      lastErrorAt: NOW - 10,
      penalty: 1.5,
      disabled: false,
    });
    expect(isAvailable(later.get("up1/k2"), NOW + 10_000)).toBe(true);
    expect(later.get("up1/k3")).toMatchObject({ disabled: true, reason: "manual" });
    expect(isAvailable(later.get("up1/k3"), NOW + 10_000)).toBe(false);
    expect(later.get("up1/gpt-4o")).toMatchObject({ cooldownUntil: 0, reason: "" });
    later.close();

    // The dropped cooldowns were written back, so the file agrees with memory.
    const rows = readRows(dataDir);
    expect(rows.find((row) => row.key === "up1/k2")).toMatchObject({ cooldown_until: 0, reason: "" });
  });

  it("keeps a reset across a restart", () => {
    const dataDir = makeDataDir();
    const store = openStore(dataDir);
    store.update("up1/k1", { cooldownUntil: NOW + 60_000, reason: "auth", disabled: true });
    store.update("up1/k2", { consecutiveErrors: 1 });
    store.flush();
    store.reset("up1/k1");
    store.close();
    const reopened = openStore(dataDir);
    expect(reopened.get("up1/k1")).toBeUndefined();
    expect(reopened.all().map((record) => record.key)).toEqual(["up1/k2"]);
    reopened.close();
  });

  it("serves reads from memory and coalesces many updates into one background write", () => {
    const dataDir = makeDataDir();
    const scheduler = makeManualScheduler();
    const store = openStore(dataDir, { scheduleFlush: scheduler.schedule, flushDelayMs: 250 });
    for (let i = 1; i <= 200; i++) {
      const key = `up1/k${i % 3}`;
      store.update(key, { consecutiveErrors: i, lastError: `HTTP 500 #${i}`, lastErrorAt: NOW + i });
    }
    expect(store.get("up1/k2")).toMatchObject({ consecutiveErrors: 200 });
    expect(scheduler.delays()).toEqual([250]);
    expect(store.pendingWrites).toBe(3);
    expect(readRows(dataDir)).toEqual([]);

    scheduler.fire();
    expect(store.flushCount).toBe(1);
    expect(store.pendingWrites).toBe(0);
    const rows = readRows(dataDir);
    expect(rows.map((row) => [row.key, row.consecutive_errors])).toEqual([
      ["up1/k0", 198],
      ["up1/k1", 199],
      ["up1/k2", 200],
    ]);
    expect(store.flush()).toBe(0);
    expect(store.flushCount).toBe(1);

    store.update("up1/k0", { penalty: 1 });
    expect(scheduler.scheduledCount()).toBe(1);
    store.close();
    expect(readRows(dataDir).find((row) => row.key === "up1/k0")).toMatchObject({ penalty: 1 });
  });

  it("writes in the background with real timers, within the flush delay", async () => {
    const dataDir = makeDataDir();
    const store = SqliteHealthStore.open({ dataDir, flushDelayMs: 10 });
    store.update("up1/k1", { cooldownUntil: Date.now() + 60_000, reason: "rate-limit" });
    await vi.waitFor(() => expect(readRows(dataDir)).toHaveLength(1), { timeout: 2000, interval: 10 });
    expect(store.flushCount).toBe(1);
    store.close();
  });

  it("keeps changes and retries when a write fails, reporting it once", () => {
    const dataDir = makeDataDir();
    const scheduler = makeManualScheduler();
    const warnings: HealthStoreWarning[] = [];
    const store = openStore(dataDir, {
      scheduleFlush: scheduler.schedule,
      retryDelayMs: 5000,
      onWarning: (warning) => warnings.push(warning),
    });
    const other = new Database(join(dataDir, "health.db"));
    other.exec("BEGIN IMMEDIATE");
    store.update("up1/k1", { consecutiveErrors: 1 });
    scheduler.fire();
    store.update("up1/k1", { consecutiveErrors: 2 });
    expect(store.flush()).toBe(0);
    expect(warnings.map((warning) => warning.code)).toEqual(["write-failed"]);
    expect(store.pendingWrites).toBe(1);
    expect(scheduler.delays()).toEqual([5000]);

    other.exec("COMMIT");
    other.close();
    scheduler.fire();
    expect(store.pendingWrites).toBe(0);
    expect(readRows(dataDir)).toMatchObject([{ key: "up1/k1", consecutive_errors: 2 }]);
    store.close();
  });

  it("keeps working in memory after close", () => {
    const dataDir = makeDataDir();
    const store = openStore(dataDir);
    store.close();
    store.close();
    expect(store.update("up1/k1", { penalty: 3 }).penalty).toBe(3);
    expect(store.get("up1/k1")?.penalty).toBe(3);
    expect(store.flush()).toBe(0);
    expect(readRows(dataDir)).toEqual([]);
  });
});

describe("SqliteHealthStore on a damaged file", () => {
  function expectMovedAside(dataDir: string, store: SqliteHealthStore): string {
    expect(store.persistent).toBe(true);
    expect(store.all()).toEqual([]);
    expect(store.warnings.map((warning) => warning.code)).toEqual(["corrupt-moved-aside"]);
    const aside = readdirSync(dataDir).filter((name) => name.startsWith(`health.db.corrupt-${NOW}`));
    expect(aside).toContain(`health.db.corrupt-${NOW}`);
    expect(store.warnings[0]?.message).toContain(`health.db.corrupt-${NOW}`);
    return join(dataDir, `health.db.corrupt-${NOW}`);
  }

  it("moves a file that is not a database aside (with its stale WAL) and starts empty", () => {
    const dataDir = makeDataDir();
    writeFileSync(join(dataDir, "health.db"), "this is not sqlite at all ".repeat(200));
    writeFileSync(join(dataDir, "health.db-wal"), "stale wal");
    const reported: HealthStoreWarning[] = [];
    const store = openStore(dataDir, { onWarning: (warning) => reported.push(warning) });
    const aside = expectMovedAside(dataDir, store);
    expect(reported).toEqual(store.warnings);
    expect(readFileSync(aside, "utf8")).toContain("this is not sqlite");
    // The stale WAL was moved aside or discarded by SQLite, never left to be replayed into the new file.
    const wal = join(dataDir, "health.db-wal");
    expect(existsSync(wal) && readFileSync(wal, "utf8").includes("stale wal")).toBe(false);

    // The fresh file works and persists.
    store.update("up1/k1", { disabled: true });
    store.close();
    const reopened = openStore(dataDir, { now: () => NOW + 1 });
    expect(reopened.warnings).toEqual([]);
    expect(reopened.get("up1/k1")?.disabled).toBe(true);
    reopened.close();
  });

  it("moves aside a database whose pages are damaged", () => {
    const dataDir = makeDataDir();
    const store = openStore(dataDir);
    for (let i = 0; i < 300; i++)
      store.update(`up1/k${i}`, { lastError: `HTTP 500 ${"e".repeat(200)} ${i}` });
    store.close();
    const path = join(dataDir, "health.db");
    const bytes = readFileSync(path);
    bytes.fill(0x5a, 4096 + 16, bytes.length - 16);
    writeFileSync(path, bytes);

    const damaged = openStore(dataDir);
    expectMovedAside(dataDir, damaged);
    damaged.close();
  });

  it("moves aside something unreadable in the file's place", () => {
    const dataDir = makeDataDir();
    mkdirSync(join(dataDir, "health.db"));
    const store = openStore(dataDir);
    expectMovedAside(dataDir, store);
    store.close();
  });

  it("runs in memory when the data directory cannot be used, and says so", () => {
    const parent = makeDataDir();
    const dataDir = join(parent, "not-a-dir");
    writeFileSync(dataDir, "a file where the data dir should be");
    const store = openStore(dataDir, {
      onWarning: () => {
        throw new Error("a broken logger must not stop the gateway");
      },
    });
    expect(store.persistent).toBe(false);
    expect(store.warnings.map((warning) => warning.code)).toEqual(["not-persisted"]);
    expect(store.update("up1/k1", { penalty: 1 }).penalty).toBe(1);
    expect(store.flush()).toBe(0);
    store.close();
  });

  it("leaves a newer schema untouched and runs in memory", () => {
    const dataDir = makeDataDir();
    const db = new Database(join(dataDir, "health.db"));
    db.pragma("user_version = 99");
    db.exec("CREATE TABLE health (key TEXT PRIMARY KEY, future TEXT)");
    db.close();
    const store = openStore(dataDir);
    expect(store.persistent).toBe(false);
    expect(store.warnings.map((warning) => warning.code)).toEqual(["not-persisted"]);
    expect(store.warnings[0]?.message).toContain("schema version 99");
    store.update("up1/k1", { penalty: 1 });
    store.close();
    expect(readdirSync(dataDir).some((name) => name.includes("corrupt"))).toBe(false);
    expect(existsSync(join(dataDir, "health.db"))).toBe(true);
  });

  it("creates the data directory and the schema on first use", () => {
    const dataDir = join(makeDataDir(), "nested", "data");
    const store = openStore(dataDir);
    store.update("up1/k1", { penalty: 1 });
    store.close();
    const db = new Database(join(dataDir, "health.db"), { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(1);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });
});
