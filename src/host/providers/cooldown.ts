/**
 * The cooldown ladder: how long a credential rests after a classified failure
 * (see classify-failure.ts), and the jittered backoff of the failover loop.
 *
 * - rate-limit / overloaded: consecutive failures climb the ladder (1s, 5s, 30s, 2m, 10m, then
 *   10m again). A server-given retry-after (`retry-after-ms`, `Retry-After`, Gemini `RetryInfo`)
 *   wins over the ladder step, bounded by `maxRetryAfterMs`; the count still climbs, so the
 *   ladder resumes at the right step when the server stops saying.
 * - auth: a long fixed rest (`authMs`, 30 min).
 * - quota: until the reset time the classifier found (bounded by `maxQuotaMs`).
 * - The count starts over when the failure class changes (ladder, auth, quota) or when the
 *   previous cooldown ended more than `resetAfterMs` ago; a success clears the state (the
 *   caller forgets it).
 * - Failures reported while a cooldown is still running come from requests that were already
 *   in flight when it began (a cooling credential is not leased): they never shorten it and do
 *   not climb the ladder, so ten parallel 429s count as one.
 *
 * Pure: `now` and `random` are parameters.
 */

export type CooldownReason = "auth" | "quota" | "rate-limit" | "overloaded";

/** What the classifier decided about one failure, as far as the cooldown is concerned. */
export interface CooldownInput {
  reason: CooldownReason;
  /** Quota: when it resets (unix ms). */
  untilMs?: number;
  /** The server's own wait, when it gave one. */
  retryAfterMs?: number;
  /** Short redacted description, kept as `lastError`. */
  detail: string;
}

export interface CooldownState {
  /** Unix ms until which the credential rests. */
  untilMs: number;
  reason: CooldownReason;
  /** Failures of this class in a row (see the rules above). */
  consecutiveErrors: number;
  lastError: string;
}

export interface CooldownLadder {
  /** Rest after the 1st, 2nd, ... consecutive rate-limit/overloaded failure; the last step repeats. */
  stepsMs: readonly number[];
  /** Upper bound on a server-given retry-after. */
  maxRetryAfterMs: number;
  /** Rest after an auth failure that cannot be refreshed. */
  authMs: number;
  /** Upper bound on a quota cooldown, from `now`. */
  maxQuotaMs: number;
  /** Quota cooldown when the classifier found no reset time at all. */
  quotaFallbackMs: number;
  /** A gap this long after the previous cooldown ended starts the count over. */
  resetAfterMs: number;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEFAULT_LADDER: CooldownLadder = {
  stepsMs: [1 * SECOND, 5 * SECOND, 30 * SECOND, 2 * MINUTE, 10 * MINUTE],
  maxRetryAfterMs: HOUR,
  authMs: 30 * MINUTE,
  maxQuotaMs: 31 * DAY,
  quotaFallbackMs: HOUR,
  resetAfterMs: 5 * MINUTE,
};

type ReasonClass = "ladder" | "auth" | "quota";

function classOf(reason: CooldownReason): ReasonClass {
  return reason === "rate-limit" || reason === "overloaded" ? "ladder" : reason;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** The end of a fresh cooldown for `input` at `now`, given how many failures of its class came before. */
function cooldownEnd(input: CooldownInput, now: number, consecutive: number, ladder: CooldownLadder): number {
  const cls = classOf(input.reason);
  if (cls === "auth") return now + ladder.authMs;
  if (cls === "quota") {
    const until = input.untilMs ?? now + ladder.quotaFallbackMs;
    return clamp(until, now, now + ladder.maxQuotaMs);
  }
  if (input.retryAfterMs !== undefined && Number.isFinite(input.retryAfterMs)) {
    return now + clamp(input.retryAfterMs, 0, ladder.maxRetryAfterMs);
  }
  const steps = ladder.stepsMs;
  const step = steps[Math.min(consecutive, steps.length) - 1] ?? steps[steps.length - 1] ?? 0;
  return now + step;
}

/**
 * The state after one more failure of a credential. `previous` is its current state (undefined
 * after a success or when it never failed).
 */
export function nextCooldown(
  previous: CooldownState | undefined,
  input: CooldownInput,
  now: number,
  ladder: CooldownLadder = DEFAULT_LADDER,
): CooldownState {
  const sameClass = previous !== undefined && classOf(previous.reason) === classOf(input.reason);
  const active = previous !== undefined && previous.untilMs > now;
  if (previous !== undefined && active && sameClass) {
    // A request leased before this cooldown began: no climb; only newer server facts extend it.
    const cls = classOf(input.reason);
    const serverSaid = cls === "quota" || (cls === "ladder" && input.retryAfterMs !== undefined);
    const end = serverSaid ? cooldownEnd(input, now, previous.consecutiveErrors, ladder) : previous.untilMs;
    const extended = end > previous.untilMs;
    return {
      untilMs: extended ? end : previous.untilMs,
      reason: extended ? input.reason : previous.reason,
      consecutiveErrors: previous.consecutiveErrors,
      lastError: input.detail,
    };
  }
  const fresh = previous === undefined || !sameClass || now - previous.untilMs > ladder.resetAfterMs;
  const consecutiveErrors = fresh ? 1 : previous.consecutiveErrors + 1;
  const end = cooldownEnd(input, now, consecutiveErrors, ladder);
  if (previous !== undefined && active && previous.untilMs > end) {
    // Another class of failure while a longer rest is running: never shorten it.
    return { untilMs: previous.untilMs, reason: previous.reason, consecutiveErrors, lastError: input.detail };
  }
  return { untilMs: end, reason: input.reason, consecutiveErrors, lastError: input.detail };
}

/** True while the cooldown lies in the future. */
export function isCoolingDown(state: CooldownState | undefined, now: number): boolean {
  return state !== undefined && state.untilMs > now;
}

/**
 * Full-jitter exponential backoff for the failover loop: a uniform wait in
 * `[0, min(cap, base * 2^attempt))`. `attempt` counts retries from 0; `random` returns [0, 1).
 */
export function backoffMs(attempt: number, random: () => number, base = 250, cap = 5_000): number {
  const exponent = Math.max(0, Math.floor(attempt));
  const ceiling = Math.min(cap, base * 2 ** Math.min(exponent, 52));
  const draw = clamp(random(), 0, 1);
  return Math.min(Math.floor(draw * ceiling), Math.max(0, ceiling - 1));
}

const DAILY_RESET = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * The next time (unix ms, strictly after `now`) the clock reads `dailyResetUtc` ("HH:MM", UTC).
 * An unreadable value counts as "00:00" (the config schema rejects those before they get here).
 */
export function nextDailyResetMs(now: number, dailyResetUtc = "00:00"): number {
  const match = DAILY_RESET.exec(dailyResetUtc);
  const hours = match ? Number(match[1]) : 0;
  const minutes = match ? Number(match[2]) : 0;
  const today = new Date(now);
  const candidate = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), hours, minutes);
  return candidate > now ? candidate : candidate + DAY;
}
