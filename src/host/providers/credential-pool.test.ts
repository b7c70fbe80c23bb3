import { describe, expect, it } from "vitest";
import {
  type CredentialHealthView,
  CredentialPool,
  type Lease,
  type Unavailability,
} from "./credential-pool.js";

function healthOf(states: Record<string, Unavailability | "disabled">): CredentialHealthView {
  return { unavailable: (key) => states[key] };
}

function leaseOf(result: ReturnType<CredentialPool["tryAcquire"]>): Lease {
  if (result.kind !== "leased") throw new Error(`expected a lease, got ${result.kind}`);
  return result.lease;
}

describe("CredentialPool", () => {
  it("spreads requests over credentials and skips a full one in favour of one with room", () => {
    const pool = new CredentialPool(
      "p",
      [
        { id: "a", key: "p/a", maxConcurrency: 1 },
        { id: "b", key: "p/b", maxConcurrency: 2 },
      ],
      healthOf({}),
    );
    const first = leaseOf(pool.tryAcquire(new Set(), 0));
    const second = leaseOf(pool.tryAcquire(new Set(), 0));
    expect(new Set([first.credentialId, second.credentialId])).toEqual(new Set(["a", "b"]));
    const third = leaseOf(pool.tryAcquire(new Set(), 0));
    expect(third.credentialId).toBe("b");
    expect(pool.tryAcquire(new Set(), 0).kind).toBe("full");
    first.release();
    expect(leaseOf(pool.tryAcquire(new Set(), 0)).credentialId).toBe("a");
  });

  it("releases a permit exactly once, however often release is called", () => {
    const pool = new CredentialPool("p", [{ id: "a", key: "p/a", maxConcurrency: 2 }], healthOf({}));
    const lease = leaseOf(pool.tryAcquire(new Set(), 0));
    leaseOf(pool.tryAcquire(new Set(), 0));
    lease.release();
    lease.release();
    lease.release();
    expect(pool.totalInFlight()).toBe(1);
  });

  it("enforces rpm with a sliding one-minute window and says when a slot frees", () => {
    const pool = new CredentialPool("p", [{ id: "a", key: "p/a", rpm: 2 }], healthOf({}));
    leaseOf(pool.tryAcquire(new Set(), 1_000)).release();
    leaseOf(pool.tryAcquire(new Set(), 2_000)).release();
    expect(pool.tryAcquire(new Set(), 30_000)).toEqual({ kind: "full", retryAfterMs: 31_000 });
    expect(pool.tryAcquire(new Set(), 61_001).kind).toBe("leased");
  });

  it("skips cooling, disabled and excluded credentials and reports the soonest cooldown end", () => {
    const pool = new CredentialPool(
      "p",
      [
        { id: "a", key: "p/a" },
        { id: "b", key: "p/b" },
        { id: "c", key: "p/c" },
      ],
      healthOf({
        "p/a": { untilMs: 5_000, reason: "rate-limit" },
        "p/b": "disabled",
      }),
    );
    expect(leaseOf(pool.tryAcquire(new Set(), 0)).credentialId).toBe("c");
    const none = pool.tryAcquire(new Set(["p/c"]), 0);
    expect(none).toMatchObject({ kind: "unavailable", untilMs: 5_000 });
    if (none.kind === "unavailable")
      expect(none.reasons).toEqual(["a: cooling down (rate-limit)", "b: disabled", "c: already tried"]);
  });

  it("wakes a waiter when a permit is released, and times out when none is", async () => {
    const pool = new CredentialPool("p", [{ id: "a", key: "p/a", maxConcurrency: 1 }], healthOf({}));
    const lease = leaseOf(pool.tryAcquire(new Set(), 0));
    const started = Date.now();
    const waiting = pool.waitForPermit(5_000);
    setTimeout(() => lease.release(), 30);
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(pool.tryAcquire(new Set(), 0).kind).toBe("leased");
    const timedOut = Date.now();
    await pool.waitForPermit(40);
    expect(Date.now() - timedOut).toBeGreaterThanOrEqual(35);
  });
});
