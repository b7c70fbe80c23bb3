/** Where a session sticks: a target and, when known, the credential that served it. */
export interface StickyBinding {
  provider: string;
  /** The llmux model name (`ResolvedTarget.model`). */
  model: string;
  /** `makeCredentialKey(provider, credentialId)` of the credential that served the session. */
  credentialKey?: string;
}

export interface StickyStoreOptions {
  /** A lease expires this long after it was last set or touched (default 1 h). */
  idleMs?: number;
  /** At most this many sessions; the least recently set or touched goes first (default 10,000). */
  maxEntries?: number;
}

export const DEFAULT_STICKY_IDLE_MS = 60 * 60 * 1000;
export const DEFAULT_STICKY_MAX_ENTRIES = 10_000;

interface Entry {
  sessionId: string;
  binding: StickyBinding;
  expiresAt: number;
  /** Towards the least recent end. */
  older: Entry | undefined;
  /** Towards the most recent end. */
  newer: Entry | undefined;
}

function copyBinding(binding: StickyBinding): StickyBinding {
  const copy: StickyBinding = { provider: binding.provider, model: binding.model };
  if (binding.credentialKey !== undefined) copy.credentialKey = binding.credentialKey;
  return copy;
}

/**
 * Sticky sessions in this process: session id -> target (and credential), with a lease that
 * expires after idle time and a bounded size (least recently used evicted). Time comes from
 * the caller, so tests need no clock.
 */
export class StickyStore {
  readonly idleMs: number;
  readonly maxEntries: number;
  private readonly entries = new Map<string, Entry>();
  /** Recency list: `set` and `touch` move an entry to the newest end; eviction takes the oldest. */
  private oldest: Entry | undefined;
  private newest: Entry | undefined;

  constructor(options: StickyStoreOptions = {}) {
    this.idleMs = Math.max(1, options.idleMs ?? DEFAULT_STICKY_IDLE_MS);
    this.maxEntries = Math.max(1, Math.trunc(options.maxEntries ?? DEFAULT_STICKY_MAX_ENTRIES));
  }

  get size(): number {
    return this.entries.size;
  }

  /** The session's binding while its lease runs; an expired one is forgotten. Does not extend the lease. */
  get(sessionId: string, now: number): StickyBinding | undefined {
    const entry = this.entries.get(sessionId);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.remove(entry);
      return undefined;
    }
    return copyBinding(entry.binding);
  }

  /** Bind the session (a failover's new target replaces the old one) and start a fresh lease. */
  set(sessionId: string, binding: StickyBinding, now: number): void {
    const existing = this.entries.get(sessionId);
    if (existing !== undefined) this.remove(existing);
    this.append({
      sessionId,
      binding: copyBinding(binding),
      expiresAt: now + this.idleMs,
      older: undefined,
      newer: undefined,
    });
    this.evict(now);
  }

  /** Extend a live lease (the session was served again); false when there is none. */
  touch(sessionId: string, now: number): boolean {
    const entry = this.entries.get(sessionId);
    if (entry === undefined) return false;
    this.remove(entry);
    if (entry.expiresAt <= now) return false;
    entry.expiresAt = now + this.idleMs;
    this.append(entry);
    return true;
  }

  drop(sessionId: string): void {
    const entry = this.entries.get(sessionId);
    if (entry !== undefined) this.remove(entry);
  }

  private append(entry: Entry): void {
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest === undefined) this.oldest = entry;
    else this.newest.newer = entry;
    this.newest = entry;
    this.entries.set(entry.sessionId, entry);
  }

  private remove(entry: Entry): void {
    if (entry.older === undefined) this.oldest = entry.newer;
    else entry.older.newer = entry.newer;
    if (entry.newer === undefined) this.newest = entry.older;
    else entry.newer.older = entry.older;
    entry.older = undefined;
    entry.newer = undefined;
    this.entries.delete(entry.sessionId);
  }

  /** Expired leases at the old end go, then the least recent entries until the size fits. */
  private evict(now: number): void {
    while (
      this.oldest !== undefined &&
      (this.entries.size > this.maxEntries || this.oldest.expiresAt <= now)
    ) {
      this.remove(this.oldest);
    }
  }
}
