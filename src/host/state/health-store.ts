import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import {
  applyHealthPatch,
  createHealthRecord,
  type HealthPatch,
  type HealthRecord,
  type HealthStore,
  restoreHealthRecord,
} from "./health.js";

export type {
  HealthPatch,
  HealthReason,
  HealthRecord,
  HealthStore,
} from "./health.js";
export {
  isAvailable,
  isCoolingDown,
  makeCredentialKey,
  makeModelKey,
  remainingCooldownMs,
} from "./health.js";

/** Health kept in this process only: the default, and the read path of `SqliteHealthStore`. */
export class MemoryHealthStore implements HealthStore {
  private readonly records = new Map<string, HealthRecord>();

  get(key: string): HealthRecord | undefined {
    return this.records.get(key);
  }

  all(): HealthRecord[] {
    return [...this.records.values()];
  }

  update(key: string, patch: HealthPatch): HealthRecord {
    const record = applyHealthPatch(this.records.get(key) ?? createHealthRecord(key), patch);
    this.records.set(key, record);
    return record;
  }

  reset(key: string): void {
    this.records.delete(key);
  }

  /** Put a record as it is (used when restoring from disk). */
  restore(record: HealthRecord): void {
    this.records.set(record.key, record);
  }

  flush(): void {}

  close(): void {}
}

export type HealthStoreWarningCode =
  /** The file was corrupted or unreadable: it was moved aside and the store started empty. */
  | "corrupt-moved-aside"
  /** Nothing will be written this run (locked, newer schema, or the data dir is not usable). */
  | "not-persisted"
  /** Some rows could not be read and were skipped. */
  | "invalid-rows"
  /** A background write failed; changes are kept and retried. */
  | "write-failed";

export interface HealthStoreWarning {
  code: HealthStoreWarningCode;
  message: string;
}

/** Run `run` after `delayMs`; returns a cancel function. Injected by tests to fire flushes by hand. */
export type ScheduleFlush = (run: () => void, delayMs: number) => () => void;

export interface SqliteHealthStoreOptions {
  /** The data directory; the file is `<dataDir>/health.db`. Created when missing. */
  dataDir: string;
  /** Clock for restoring cooldowns and stamping rows (default `Date.now`). */
  now?: () => number;
  /** Changes are coalesced and written at most this long after the first one (default 250). */
  flushDelayMs?: number;
  /** Delay before retrying a failed write (default 5000). */
  retryDelayMs?: number;
  onWarning?: (warning: HealthStoreWarning) => void;
  scheduleFlush?: ScheduleFlush;
}

export const HEALTH_DB_FILE = "health.db";
export const HEALTH_SCHEMA_VERSION = 1;
const BUSY_TIMEOUT_MS = 50;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS health (
  key TEXT PRIMARY KEY NOT NULL,
  cooldown_until INTEGER NOT NULL DEFAULT 0,
  reason TEXT NOT NULL DEFAULT '',
  consecutive_errors INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  last_error_at INTEGER NOT NULL DEFAULT 0,
  penalty REAL NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL DEFAULT 0
) STRICT`;

const SELECT_ROWS = `SELECT key, cooldown_until, reason, consecutive_errors, last_error, last_error_at, penalty,
  disabled FROM health`;

const UPSERT_ROW = `INSERT OR REPLACE INTO health (key, cooldown_until, reason, consecutive_errors, last_error,
  last_error_at, penalty, disabled, updated_at) VALUES (@key, @cooldownUntil, @reason, @consecutiveErrors,
  @lastError, @lastErrorAt, @penalty, @disabled, @updatedAt)`;

const scheduleWithTimer: ScheduleFlush = (run, delayMs) => {
  const timer = setTimeout(run, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

class NewerSchemaError extends Error {}

function describeError(error: unknown): string {
  if (error instanceof Database.SqliteError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function isLockError(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError &&
    (error.code.startsWith("SQLITE_BUSY") || error.code.startsWith("SQLITE_LOCKED"))
  );
}

function decodeRow(row: unknown): HealthRecord | undefined {
  if (typeof row !== "object" || row === null) return undefined;
  const fields = row as Record<string, unknown>;
  const { key, cooldown_until, reason, consecutive_errors, last_error, last_error_at, penalty, disabled } =
    fields;
  if (typeof key !== "string" || key === "") return undefined;
  if (typeof reason !== "string" || typeof last_error !== "string") return undefined;
  if (typeof cooldown_until !== "number" || typeof consecutive_errors !== "number") return undefined;
  if (typeof last_error_at !== "number" || typeof penalty !== "number" || typeof disabled !== "number") {
    return undefined;
  }
  return applyHealthPatch(createHealthRecord(key), {
    cooldownUntil: cooldown_until,
    reason,
    consecutiveErrors: consecutive_errors,
    lastError: last_error,
    lastErrorAt: last_error_at,
    penalty,
    disabled: disabled !== 0,
  });
}

/** `<file>.corrupt-<ts>` (made unique), with its `-wal` and `-shm` beside it so a fresh file never replays them. */
function moveAside(path: string, timestamp: number): string {
  let target = `${path}.corrupt-${timestamp}`;
  for (let n = 1; existsSync(target); n++) target = `${path}.corrupt-${timestamp}-${n}`;
  renameSync(path, target);
  for (const suffix of ["-wal", "-shm"]) {
    if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${target}${suffix}`);
  }
  return target;
}

interface Opened {
  db: Database.Database;
  rows: unknown[];
}

function openDatabase(path: string): Opened {
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma("journal_mode = WAL");
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new Error(`integrity check failed: ${String(check)}`);
    db.pragma("synchronous = NORMAL");
    const version = db.pragma("user_version", { simple: true });
    if (typeof version !== "number") throw new Error("unreadable schema version");
    if (version > HEALTH_SCHEMA_VERSION) {
      throw new NewerSchemaError(
        `schema version ${version} is newer than this llmux understands (${HEALTH_SCHEMA_VERSION})`,
      );
    }
    db.exec(CREATE_TABLE);
    if (version < HEALTH_SCHEMA_VERSION) db.pragma(`user_version = ${HEALTH_SCHEMA_VERSION}`);
    return { db, rows: db.prepare(SELECT_ROWS).all() };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Health that survives restarts. Reads and updates use an in-memory map only (the request path
 * does no disk I/O); changes are coalesced per key and written to `<dataDir>/health.db` (SQLite,
 * WAL) in one transaction at most `flushDelayMs` after the first change, and at `flush()`/`close()`.
 * A crash loses at most that window. A corrupted or unreadable file never stops the gateway: it is
 * moved aside, the store starts empty, and a warning is reported.
 */
export class SqliteHealthStore implements HealthStore {
  /** The file path, whether or not it is in use. */
  readonly path: string;
  /** Warnings reported while opening (also passed to `onWarning`). */
  readonly warnings: HealthStoreWarning[] = [];
  private readonly memory = new MemoryHealthStore();
  /** Changed keys not yet written: the record to write, or `null` to delete. */
  private readonly dirty = new Map<string, HealthRecord | null>();
  private readonly now: () => number;
  private readonly flushDelayMs: number;
  private readonly retryDelayMs: number;
  private readonly onWarning: ((warning: HealthStoreWarning) => void) | undefined;
  private readonly scheduleFlush: ScheduleFlush;
  private db: Database.Database | undefined;
  private upsert: Database.Statement | undefined;
  private remove: Database.Statement | undefined;
  private cancelScheduled: (() => void) | undefined;
  private failing = false;
  private flushes = 0;
  private opening = true;

  private constructor(options: SqliteHealthStoreOptions) {
    this.path = join(options.dataDir, HEALTH_DB_FILE);
    this.now = options.now ?? Date.now;
    this.flushDelayMs = options.flushDelayMs ?? 250;
    this.retryDelayMs = options.retryDelayMs ?? 5000;
    this.onWarning = options.onWarning;
    this.scheduleFlush = options.scheduleFlush ?? scheduleWithTimer;
  }

  static open(options: SqliteHealthStoreOptions): SqliteHealthStore {
    const store = new SqliteHealthStore(options);
    const opened = store.openOrRecover(options.dataDir);
    if (opened !== undefined) store.load(opened);
    store.opening = false;
    return store;
  }

  /** False when nothing is being written this run (see `warnings`). */
  get persistent(): boolean {
    return this.db !== undefined;
  }

  /** Transactions written so far. */
  get flushCount(): number {
    return this.flushes;
  }

  /** Keys changed and not yet written. */
  get pendingWrites(): number {
    return this.dirty.size;
  }

  get(key: string): HealthRecord | undefined {
    return this.memory.get(key);
  }

  all(): HealthRecord[] {
    return this.memory.all();
  }

  update(key: string, patch: HealthPatch): HealthRecord {
    const record = this.memory.update(key, patch);
    this.markDirty(key, record);
    return record;
  }

  reset(key: string): void {
    this.memory.reset(key);
    this.markDirty(key, null);
  }

  /** Write every pending change now, in one transaction; returns the number of keys written. */
  flush(): number {
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
    const { db, upsert, remove } = this;
    if (db === undefined || upsert === undefined || remove === undefined || this.dirty.size === 0) return 0;
    const batch = [...this.dirty];
    const updatedAt = this.now();
    try {
      db.transaction(() => {
        for (const [key, record] of batch) {
          if (record === null) remove.run(key);
          else upsert.run({ ...record, disabled: record.disabled ? 1 : 0, updatedAt });
        }
      })();
    } catch (error) {
      if (!this.failing) this.warn("write-failed", `could not write ${this.path}: ${describeError(error)}`);
      this.failing = true;
      this.schedule(this.retryDelayMs);
      return 0;
    }
    this.failing = false;
    this.dirty.clear();
    this.flushes++;
    return batch.length;
  }

  close(): void {
    if (this.db === undefined) return;
    this.flush();
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
    this.db.close();
    this.db = undefined;
    this.upsert = undefined;
    this.remove = undefined;
    this.dirty.clear();
  }

  private markDirty(key: string, record: HealthRecord | null): void {
    if (this.db === undefined) return;
    this.dirty.set(key, record);
    this.schedule(this.flushDelayMs);
  }

  private schedule(delayMs: number): void {
    if (this.cancelScheduled !== undefined) return;
    this.cancelScheduled = this.scheduleFlush(() => {
      this.cancelScheduled = undefined;
      this.flush();
    }, delayMs);
  }

  private warn(code: HealthStoreWarningCode, message: string): void {
    const warning = { code, message };
    if (this.opening) this.warnings.push(warning);
    try {
      this.onWarning?.(warning);
    } catch {
      // A failing logger must not break the store (this may run inside a timer).
    }
  }

  private openOrRecover(dataDir: string): Opened | undefined {
    try {
      mkdirSync(dataDir, { recursive: true });
      return openDatabase(this.path);
    } catch (error) {
      if (error instanceof NewerSchemaError || isLockError(error)) {
        this.warn("not-persisted", `${this.path}: ${describeError(error)}; health is kept in memory only`);
        return undefined;
      }
      let aside: string;
      try {
        aside = moveAside(this.path, this.now());
      } catch (moveError) {
        this.warn(
          "not-persisted",
          `${this.path} could not be opened (${describeError(error)}) nor moved aside (${describeError(moveError)}); health is kept in memory only`,
        );
        return undefined;
      }
      this.warn(
        "corrupt-moved-aside",
        `${this.path} could not be read (${describeError(error)}); moved to ${aside}, starting empty`,
      );
      try {
        return openDatabase(this.path);
      } catch (retryError) {
        this.warn(
          "not-persisted",
          `${this.path}: ${describeError(retryError)}; health is kept in memory only`,
        );
        return undefined;
      }
    }
  }

  private load(opened: Opened): void {
    this.db = opened.db;
    this.upsert = opened.db.prepare(UPSERT_ROW);
    this.remove = opened.db.prepare("DELETE FROM health WHERE key = ?");
    const now = this.now();
    let invalid = 0;
    for (const row of opened.rows) {
      const stored = decodeRow(row);
      if (stored === undefined) {
        invalid++;
        continue;
      }
      const restored = restoreHealthRecord(stored, now);
      this.memory.restore(restored);
      if (restored !== stored) this.markDirty(restored.key, restored);
    }
    if (invalid > 0) this.warn("invalid-rows", `${this.path}: skipped ${invalid} unreadable row(s)`);
  }
}
