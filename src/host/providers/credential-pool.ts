import type { AbortLike } from "../pipeline/client-gone.js";

/**
 * Per-provider credential pool: concurrency permits (leases) and requests-per-minute windows.
 * A request holds a lease from selection until its response has ended, failed or been
 * aborted; the lease releases its permit exactly once.
 */

export interface PoolCredentialConfig {
  id: string;
  /** The health key (`credential:provider/id`). */
  key: string;
  maxConcurrency?: number;
  rpm?: number;
}

/** Why a credential cannot take a request right now, from the health view. */
export interface Unavailability {
  untilMs: number;
  reason: string;
}

/** What the pool needs to know about health (cooldowns, manual disables). */
export interface CredentialHealthView {
  unavailable(key: string, now: number): Unavailability | "disabled" | undefined;
}

interface Slot {
  key: string;
  config: PoolCredentialConfig;
  inFlight: number;
  /** Start times (ms) of requests in the current rpm window, oldest first. */
  window: number[];
}

export type AcquireResult =
  | { kind: "leased"; lease: Lease }
  /** Every usable credential is at its concurrency or rpm limit: wait, or 429 with this Retry-After. */
  | { kind: "full"; retryAfterMs: number }
  /** Every credential is cooling down, disabled or excluded. `untilMs`: the soonest cooldown end. */
  | { kind: "unavailable"; untilMs: number | undefined; reasons: string[] };

const MINUTE = 60_000;

export class Lease {
  readonly credentialId: string;
  readonly key: string;
  private released = false;
  private readonly onRelease: () => void;

  constructor(slot: Slot, onRelease: () => void) {
    this.credentialId = slot.config.id;
    this.key = slot.key;
    this.onRelease = onRelease;
  }

  get isReleased(): boolean {
    return this.released;
  }

  /** Give the permit back. Safe to call more than once: only the first call counts. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
}

export class CredentialPool {
  readonly providerId: string;
  private readonly slots: Slot[];
  private readonly health: CredentialHealthView;
  private waiters: (() => void)[] = [];
  private nextStart = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    providerId: string,
    credentials: readonly PoolCredentialConfig[],
    health: CredentialHealthView,
  ) {
    this.providerId = providerId;
    this.health = health;
    this.slots = credentials.map((config) => ({
      key: config.key,
      config,
      inFlight: 0,
      window: [],
    }));
  }

  /** In-flight counts per credential id. */
  inFlight(): Map<string, number> {
    return new Map(this.slots.map((slot) => [slot.config.id, slot.inFlight]));
  }

  totalInFlight(): number {
    let total = 0;
    for (const slot of this.slots) total += slot.inFlight;
    return total;
  }

  /**
   * Take a permit on the best credential: healthy, not excluded, with room; the `preferred` one
   * (a sticky session's) when it qualifies, else the least loaded, rotating the starting point
   * so equal credentials share the load.
   */
  /** Whether some credential is neither cooling down nor disabled (it may still be full). */
  hasUsable(now: number): boolean {
    return this.slots.some((slot) => this.health.unavailable(slot.key, now) === undefined);
  }

  tryAcquire(excluded: ReadonlySet<string>, now: number, preferred?: string): AcquireResult {
    let best: Slot | undefined;
    let soonestFree = Number.POSITIVE_INFINITY;
    let sawFull = false;
    let soonestCooldown: number | undefined;
    const reasons: string[] = [];
    const count = this.slots.length;
    for (let offset = 0; offset < count; offset++) {
      const slot = this.slots[(this.nextStart + offset) % count]!;
      if (excluded.has(slot.key)) {
        reasons.push(`${slot.config.id}: already tried`);
        continue;
      }
      const state = this.health.unavailable(slot.key, now);
      if (state === "disabled") {
        reasons.push(`${slot.config.id}: disabled`);
        continue;
      }
      if (state !== undefined) {
        reasons.push(`${slot.config.id}: cooling down (${state.reason})`);
        soonestCooldown =
          soonestCooldown === undefined ? state.untilMs : Math.min(soonestCooldown, state.untilMs);
        continue;
      }
      this.trimWindow(slot, now);
      const freeAt = this.freeAt(slot, now);
      if (freeAt > now) {
        sawFull = true;
        soonestFree = Math.min(soonestFree, freeAt);
        continue;
      }
      if (slot.key === preferred) {
        // A sticky session keeps its credential while it is usable (prompt caches stay warm).
        best = slot;
        break;
      }
      if (best === undefined || slot.inFlight < best.inFlight) best = slot;
    }
    if (best !== undefined) {
      this.nextStart = (this.slots.indexOf(best) + 1) % Math.max(1, count);
      return { kind: "leased", lease: this.lease(best, now) };
    }
    if (sawFull) {
      // A concurrency slot frees when some response ends: unknown, so suggest a short wait.
      const retryAfterMs = Number.isFinite(soonestFree) ? Math.max(1, soonestFree - now) : 1_000;
      return { kind: "full", retryAfterMs };
    }
    return { kind: "unavailable", untilMs: soonestCooldown, reasons };
  }

  /** Resolves when a permit may have freed (a release, or an rpm window moving on), or after `maxWaitMs`. */
  waitForPermit(maxWaitMs: number, signal?: AbortLike): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timeout);
        signal?.removeEventListener("abort", finish);
        this.waiters = this.waiters.filter((waiter) => waiter !== finish);
        resolve();
      };
      const timeout = setTimeout(finish, Math.max(0, maxWaitMs));
      signal?.addEventListener("abort", finish);
      this.waiters.push(finish);
      this.scheduleWindowWake(Date.now());
    });
  }

  private lease(slot: Slot, now: number): Lease {
    slot.inFlight++;
    if (slot.config.rpm !== undefined) slot.window.push(now);
    return new Lease(slot, () => {
      slot.inFlight--;
      this.wake();
    });
  }

  /** When this slot can next take a request (now if it has room). */
  private freeAt(slot: Slot, now: number): number {
    const limit = slot.config.maxConcurrency;
    if (limit !== undefined && slot.inFlight >= limit) return Number.POSITIVE_INFINITY;
    const rpm = slot.config.rpm;
    if (rpm !== undefined && slot.window.length >= rpm) return slot.window[0]! + MINUTE;
    return now;
  }

  private trimWindow(slot: Slot, now: number): void {
    const window = slot.window;
    let drop = 0;
    while (drop < window.length && window[drop]! <= now - MINUTE) drop++;
    if (drop > 0) window.splice(0, drop);
  }

  private wake(): void {
    const waiter = this.waiters.shift();
    waiter?.();
  }

  /** Wake a waiter when the oldest rpm entry leaves its window. */
  private scheduleWindowWake(now: number): void {
    if (this.timer !== undefined) return;
    let soonest = Number.POSITIVE_INFINITY;
    for (const slot of this.slots) {
      if (slot.config.rpm !== undefined && slot.window.length >= slot.config.rpm) {
        soonest = Math.min(soonest, slot.window[0]! + MINUTE);
      }
    }
    if (!Number.isFinite(soonest)) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        for (const waiter of this.waiters.splice(0)) waiter();
      },
      Math.max(1, soonest - now),
    );
    this.timer.unref();
  }
}
