import { describe, expect, it } from "vitest";
import {
  backoffMs,
  type CooldownInput,
  type CooldownState,
  DEFAULT_LADDER,
  isCoolingDown,
  nextCooldown,
  nextDailyResetMs,
} from "./cooldown.js";

const T0 = Date.UTC(2025, 5, 15, 12, 0, 0);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;

const rateLimit: CooldownInput = { reason: "rate-limit", detail: "HTTP 429 rate_limit_error" };
const overloaded: CooldownInput = { reason: "overloaded", detail: "HTTP 529 overloaded_error" };

/** Fail once each time the previous cooldown has just ended; return the rest lengths. */
function restsAfterConsecutiveFailures(count: number, input: CooldownInput): number[] {
  const rests: number[] = [];
  let now = T0;
  let state: CooldownState | undefined;
  for (let index = 0; index < count; index++) {
    state = nextCooldown(state, input, now);
    rests.push(state.untilMs - now);
    now = state.untilMs;
  }
  return rests;
}

describe("nextCooldown: the ladder", () => {
  it("climbs 1s, 5s, 30s, 2m, 10m and stays at the cap", () => {
    expect(restsAfterConsecutiveFailures(7, rateLimit)).toEqual([
      1 * SECOND,
      5 * SECOND,
      30 * SECOND,
      2 * MINUTE,
      10 * MINUTE,
      10 * MINUTE,
      10 * MINUTE,
    ]);
  });

  it("counts rate limits and overload on the same ladder", () => {
    const first = nextCooldown(undefined, rateLimit, T0);
    const second = nextCooldown(first, overloaded, first.untilMs);
    expect(second).toMatchObject({
      reason: "overloaded",
      consecutiveErrors: 2,
      untilMs: first.untilMs + 5 * SECOND,
    });
  });

  it("starts over after a quiet gap, and after a success (no previous state)", () => {
    let state = nextCooldown(undefined, rateLimit, T0);
    state = nextCooldown(state, rateLimit, state.untilMs);
    state = nextCooldown(state, rateLimit, state.untilMs);
    expect(state.consecutiveErrors).toBe(3);
    const later = state.untilMs + DEFAULT_LADDER.resetAfterMs + 1;
    expect(nextCooldown(state, rateLimit, later)).toMatchObject({
      consecutiveErrors: 1,
      untilMs: later + SECOND,
    });
    expect(nextCooldown(undefined, rateLimit, later)).toMatchObject({ consecutiveErrors: 1 });
  });

  it("does not climb on failures of requests already in flight when the cooldown began", () => {
    const first = nextCooldown(undefined, rateLimit, T0);
    let state = first;
    for (let index = 1; index <= 9; index++) state = nextCooldown(state, rateLimit, T0 + index * 10);
    expect(state).toMatchObject({ untilMs: first.untilMs, consecutiveErrors: 1 });
    // The next real failure after the rest is the second step.
    expect(nextCooldown(state, rateLimit, state.untilMs)).toMatchObject({ consecutiveErrors: 2 });
  });

  it("lets a server-given retry-after win over the step, shorter or longer, bounded by the max", () => {
    let state = nextCooldown(undefined, rateLimit, T0);
    state = nextCooldown(state, rateLimit, state.untilMs);
    state = nextCooldown(state, rateLimit, state.untilMs);
    const now = state.untilMs;
    expect(nextCooldown(state, { ...rateLimit, retryAfterMs: 2 * SECOND }, now)).toMatchObject({
      untilMs: now + 2 * SECOND,
      consecutiveErrors: 4,
    });
    expect(nextCooldown(undefined, { ...rateLimit, retryAfterMs: 20 * SECOND }, T0).untilMs).toBe(
      T0 + 20 * SECOND,
    );
    expect(nextCooldown(undefined, { ...rateLimit, retryAfterMs: 86_400 * SECOND }, T0).untilMs).toBe(
      T0 + DEFAULT_LADDER.maxRetryAfterMs,
    );
  });

  it("extends a running cooldown when a later response names a longer wait", () => {
    const first = nextCooldown(undefined, rateLimit, T0);
    const extended = nextCooldown(first, { ...rateLimit, retryAfterMs: 30 * SECOND }, T0 + 100);
    expect(extended).toMatchObject({ untilMs: T0 + 100 + 30 * SECOND, consecutiveErrors: 1 });
    const kept = nextCooldown(extended, { ...rateLimit, retryAfterMs: SECOND }, T0 + 200);
    expect(kept.untilMs).toBe(extended.untilMs);
  });
});

describe("nextCooldown: auth and quota", () => {
  it("rests an auth failure 30 minutes", () => {
    expect(nextCooldown(undefined, { reason: "auth", detail: "HTTP 401" }, T0)).toEqual({
      untilMs: T0 + 30 * MINUTE,
      reason: "auth",
      consecutiveErrors: 1,
      lastError: "HTTP 401",
    });
  });

  it("rests a quota failure until its reset, bounded, with a fallback when no reset is known", () => {
    const reset = Date.UTC(2025, 5, 16);
    expect(nextCooldown(undefined, { reason: "quota", untilMs: reset, detail: "q" }, T0).untilMs).toBe(reset);
    expect(
      nextCooldown(undefined, { reason: "quota", untilMs: T0 + 400 * 86_400_000, detail: "q" }, T0).untilMs,
    ).toBe(T0 + DEFAULT_LADDER.maxQuotaMs);
    expect(nextCooldown(undefined, { reason: "quota", detail: "q" }, T0).untilMs).toBe(
      T0 + DEFAULT_LADDER.quotaFallbackMs,
    );
    expect(nextCooldown(undefined, { reason: "quota", untilMs: T0 - 1, detail: "q" }, T0).untilMs).toBe(T0);
  });

  it("never shortens a longer running cooldown of another kind, and restarts the count on a change of kind", () => {
    const quota = nextCooldown(
      undefined,
      { reason: "quota", untilMs: T0 + 6 * 3_600_000, detail: "quota" },
      T0,
    );
    const during = nextCooldown(quota, rateLimit, T0 + SECOND);
    expect(during).toMatchObject({ untilMs: quota.untilMs, reason: "quota", lastError: rateLimit.detail });
    let ladder = nextCooldown(undefined, rateLimit, T0);
    ladder = nextCooldown(ladder, rateLimit, ladder.untilMs);
    const auth = nextCooldown(ladder, { reason: "auth", detail: "HTTP 401" }, ladder.untilMs);
    expect(auth).toMatchObject({
      reason: "auth",
      consecutiveErrors: 1,
      untilMs: ladder.untilMs + 30 * MINUTE,
    });
  });

  it("knows when a cooldown is over: a stale one never outlives its reason", () => {
    const state = nextCooldown(undefined, rateLimit, T0);
    expect(isCoolingDown(state, T0 + 999)).toBe(true);
    expect(isCoolingDown(state, T0 + SECOND)).toBe(false);
    expect(isCoolingDown(undefined, T0)).toBe(false);
  });
});

describe("backoffMs", () => {
  it("draws uniformly below a ceiling that doubles per attempt up to the cap", () => {
    const top = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffMs(attempt, top, 250, 5_000))).toEqual([
      249, 499, 999, 1_999, 3_999, 4_999, 4_999,
    ]);
    expect(backoffMs(3, () => 0, 250, 5_000)).toBe(0);
    expect(backoffMs(2, () => 0.5, 100, 10_000)).toBe(200);
  });

  it("uses the injected randomness and tolerates a generator that returns 1", () => {
    const draws = [0.1, 0.9, 0.5];
    const random = () => draws.shift() ?? 0;
    expect([backoffMs(1, random), backoffMs(1, random), backoffMs(1, random)]).toEqual([50, 450, 250]);
    expect(backoffMs(0, () => 1, 250, 5_000)).toBe(249);
    expect(backoffMs(1_000, () => 0.5)).toBe(2_500);
  });
});

describe("nextDailyResetMs", () => {
  it("finds the next HH:MM UTC strictly after now", () => {
    expect(nextDailyResetMs(T0)).toBe(Date.UTC(2025, 5, 16, 0, 0));
    expect(nextDailyResetMs(T0, "13:30")).toBe(Date.UTC(2025, 5, 15, 13, 30));
    expect(nextDailyResetMs(T0, "12:00")).toBe(Date.UTC(2025, 5, 16, 12, 0));
    expect(nextDailyResetMs(Date.UTC(2025, 11, 31, 23, 59), "00:00")).toBe(Date.UTC(2026, 0, 1));
    expect(nextDailyResetMs(T0, "25:99")).toBe(Date.UTC(2025, 5, 16, 0, 0));
  });
});
