/**
 * Health of credentials and provider/model targets: the record, its merge rules and the
 * questions the router asks of it. The stores (health-store.ts) keep these records.
 */

/** Why a key is cooling down or was last marked unhealthy. Records carry any string; these are the known ones. */
export type HealthReason =
  | "rate-limit"
  | "overloaded"
  | "auth"
  | "quota"
  | "server-error"
  | "timeout"
  | "not-found"
  | "manual";

/**
 * One health record. Keys are `credential:<providerId>/<credentialId>` for a credential and
 * `model:<providerId>/<model>` for a provider/model target (see `makeCredentialKey`, `makeModelKey`).
 */
export interface HealthRecord {
  readonly key: string;
  /** Unix ms until which the key rests; 0 = no cooldown. */
  readonly cooldownUntil: number;
  /** A `HealthReason` (or a newer one); "" when none. */
  readonly reason: string;
  readonly consecutiveErrors: number;
  /** Short, redacted text of the last error; "" when none. */
  readonly lastError: string;
  /** Unix ms of the last error; 0 = never. */
  readonly lastErrorAt: number;
  /** How much the router down-weights this key; 0 = none. */
  readonly penalty: number;
  /** Taken out by an operator until recovered. */
  readonly disabled: boolean;
}

/** The fields `update` may change; omitted fields keep their value. */
export type HealthPatch = Partial<Omit<HealthRecord, "key">>;

export interface HealthStore {
  get(key: string): HealthRecord | undefined;
  all(): HealthRecord[];
  /** Merge `patch` into the record for `key` (created with defaults when absent) and return it. */
  update(key: string, patch: HealthPatch): HealthRecord;
  /** Forget `key` entirely (cooldown, counters, last error, disabled flag). */
  reset(key: string): void;
  /** Write pending changes now (no-op for stores with nothing to persist). */
  flush(): void;
  /** Flush and release resources; later updates stay in memory only. */
  close(): void;
}

export const MAX_LAST_ERROR_LENGTH = 300;
const MAX_REASON_LENGTH = 64;

/** Credentials and provider models share one key space; the prefix keeps a credential id and a model name apart. */
export function makeCredentialKey(providerId: string, credentialId: string): string {
  return `credential:${providerId}/${credentialId}`;
}

export function makeModelKey(providerId: string, model: string): string {
  return `model:${providerId}/${model}`;
}

export function createHealthRecord(key: string): HealthRecord {
  return {
    key,
    cooldownUntil: 0,
    reason: "",
    consecutiveErrors: 0,
    lastError: "",
    lastErrorAt: 0,
    penalty: 0,
    disabled: false,
  };
}

/** True only while the cooldown lies in the future: a stale cooldown never outlives its reason. */
export function isCoolingDown(record: HealthRecord | undefined, now: number): boolean {
  return record !== undefined && record.cooldownUntil > now;
}

/** Milliseconds left of the cooldown (0 when none), for a `Retry-After`. */
export function remainingCooldownMs(record: HealthRecord | undefined, now: number): number {
  return record !== undefined && record.cooldownUntil > now ? record.cooldownUntil - now : 0;
}

/** Neither disabled by an operator nor cooling down. */
export function isAvailable(record: HealthRecord | undefined, now: number): boolean {
  return record === undefined || (!record.disabled && !isCoolingDown(record, now));
}

const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\bBearer\s+[^\s"',;]+/gi, "Bearer [redacted]"],
  [/\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}/g, "[redacted]"],
  [/\bAIza[0-9A-Za-z_-]{20,}/g, "[redacted]"],
  [/\bya29\.[0-9A-Za-z_.-]+/g, "[redacted]"],
  [
    /\b((?:api[_-]?key|key|token|access_token|refresh_token|secret|password)\s*[=:]\s*)"?[^\s"&,;]+"?/gi,
    "$1[redacted]",
  ],
];

/**
 * The last error as stored: one line, bounded, with anything that looks like a key or token
 * replaced. Callers should never pass secrets; this is the second line of defence, because
 * the text is written to disk and shown by the admin API.
 */
export function sanitizeLastError(text: string): string {
  let clean = text.replace(/\s+/g, " ").trim();
  for (const [pattern, replacement] of SECRET_PATTERNS) clean = clean.replace(pattern, replacement);
  return clean.length > MAX_LAST_ERROR_LENGTH ? `${clean.slice(0, MAX_LAST_ERROR_LENGTH - 1)}…` : clean;
}

function toTimestamp(value: number): number {
  if (value === Number.POSITIVE_INFINITY) return Number.MAX_SAFE_INTEGER;
  return Number.isFinite(value) ? Math.min(Math.max(0, Math.trunc(value)), Number.MAX_SAFE_INTEGER) : 0;
}

function toCount(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(0, Math.trunc(value)), Number.MAX_SAFE_INTEGER) : 0;
}

function toPenalty(value: number): number {
  return Number.isFinite(value) ? Math.max(0, value) : 0;
}

/** The merged record: numbers clamped to what can be stored, text bounded and redacted. */
export function applyHealthPatch(previous: HealthRecord, patch: HealthPatch): HealthRecord {
  return Object.freeze({
    key: previous.key,
    cooldownUntil:
      patch.cooldownUntil === undefined ? previous.cooldownUntil : toTimestamp(patch.cooldownUntil),
    reason: patch.reason === undefined ? previous.reason : patch.reason.trim().slice(0, MAX_REASON_LENGTH),
    consecutiveErrors:
      patch.consecutiveErrors === undefined ? previous.consecutiveErrors : toCount(patch.consecutiveErrors),
    lastError: patch.lastError === undefined ? previous.lastError : sanitizeLastError(patch.lastError),
    lastErrorAt: patch.lastErrorAt === undefined ? previous.lastErrorAt : toTimestamp(patch.lastErrorAt),
    penalty: patch.penalty === undefined ? previous.penalty : toPenalty(patch.penalty),
    disabled: patch.disabled ?? previous.disabled,
  });
}

/**
 * The record as restored at start-up: a cooldown whose time has passed is dropped together
 * with its reason; counters, last error, penalty and the disabled flag are kept.
 */
export function restoreHealthRecord(record: HealthRecord, now: number): HealthRecord {
  if (record.cooldownUntil === 0 || record.cooldownUntil > now) return record;
  return Object.freeze({ ...record, cooldownUntil: 0, reason: "" });
}
