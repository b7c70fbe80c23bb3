import { setTimeout as sleep } from "node:timers/promises";
import { LlmuxError, toLlmuxError } from "../../core/model/errors.js";
import type { ResolvedTarget } from "../../core/routing/resolve-model.js";
import type { App } from "../control/app.js";
import { classifyFailure, type FailureAction } from "../providers/classify-failure.js";
import { backoffMs, type CooldownState, nextCooldown } from "../providers/cooldown.js";
import type { ProviderRuntime } from "../providers/registry.js";
import { type HealthPatch, makeModelKey } from "../state/health.js";
import type { Attempt, AttemptFailure, AttemptResult } from "./attempt.js";
import type { RequestContext } from "./context.js";
import { sendError } from "./respond.js";

/** Consecutive server-side failures (5xx, resets, timeouts) after which a credential rests. */
const SERVER_FAILURES_TO_REST = 3;
const SERVER_REST_BASE_MS = 5_000;
const SERVER_REST_MAX_MS = 5 * 60_000;

type Pick =
  | { kind: "attempt"; attempt: Attempt }
  | { kind: "none"; fullRetryAfterMs?: number; cooldownUntil?: number; onlyTried: boolean };

interface LoopState {
  excludedCredentials: Set<string>;
  excludedTargets: Set<string>;
  refreshed: Set<string>;
}

function targetKey(target: ResolvedTarget): string {
  return `${target.provider}/${target.upstreamModel}`;
}

/** Take a permit on the first target (in route order) that has a usable credential. */
function pickOnce(
  app: App,
  targets: readonly ResolvedTarget[],
  state: LoopState,
  now: number,
  preferred: string | undefined,
): Pick {
  let fullRetryAfterMs: number | undefined;
  let cooldownUntil: number | undefined;
  let onlyTried = true;
  for (const target of targets) {
    if (state.excludedTargets.size > 0 && state.excludedTargets.has(targetKey(target))) continue;
    const provider = app.providers.get(target.provider);
    if (provider === undefined) continue;
    const result = provider.pool.tryAcquire(state.excludedCredentials, now, preferred);
    if (result.kind === "leased") {
      const credential = provider.credential(result.lease.key);
      if (credential === undefined) {
        result.lease.release();
        continue;
      }
      // Numbered by the loop; the same shape from the start (a spread copy cost ~1 us per request).
      const attempt: Attempt = {
        number: 0,
        target,
        provider,
        credential,
        lease: result.lease,
        secret: undefined,
      };
      return { kind: "attempt", attempt };
    }
    if (result.kind === "full") {
      onlyTried = false;
      fullRetryAfterMs = Math.min(fullRetryAfterMs ?? Number.POSITIVE_INFINITY, result.retryAfterMs);
    } else {
      if (result.reasons.some((reason) => !reason.endsWith("already tried"))) onlyTried = false;
      if (result.untilMs !== undefined)
        cooldownUntil = Math.min(cooldownUntil ?? Number.POSITIVE_INFINITY, result.untilMs);
    }
  }
  const none: Pick = { kind: "none", onlyTried };
  if (fullRetryAfterMs !== undefined) none.fullRetryAfterMs = fullRetryAfterMs;
  if (cooldownUntil !== undefined) none.cooldownUntil = cooldownUntil;
  return none;
}

/** Pick, waiting (bounded) for a permit while every usable credential is merely full. */
async function pick(
  app: App,
  context: RequestContext,
  targets: readonly ResolvedTarget[],
  state: LoopState,
  deadline: number,
  preferred: string | undefined,
): Promise<Pick> {
  const queueDeadline = Math.min(deadline, Date.now() + app.config.failover.queueTimeoutMs);
  for (;;) {
    const picked = pickOnce(app, targets, state, Date.now(), preferred);
    if (picked.kind === "attempt" || picked.fullRetryAfterMs === undefined) return picked;
    const remaining = queueDeadline - Date.now();
    if (remaining <= 0 || context.clientGone.aborted) return picked;
    const pools = new Set<ProviderRuntime>();
    for (const target of targets) {
      const provider = app.providers.get(target.provider);
      if (provider !== undefined) pools.add(provider);
    }
    const wait = Math.min(remaining, picked.fullRetryAfterMs);
    await Promise.race([...pools].map((provider) => provider.pool.waitForPermit(wait, context.clientGone)));
  }
}

function cooldownStateOf(app: App, key: string): CooldownState | undefined {
  const record = app.health.get(key);
  if (record === undefined || record.consecutiveErrors === 0) return undefined;
  const reason = record.reason;
  if (reason !== "auth" && reason !== "quota" && reason !== "rate-limit" && reason !== "overloaded")
    return undefined;
  return {
    untilMs: record.cooldownUntil,
    reason,
    consecutiveErrors: record.consecutiveErrors,
    lastError: record.lastError,
  };
}

/** Record what a failure means for the credential and the target, and what to do next. */
function applyAction(app: App, attempt: Attempt, action: FailureAction, state: LoopState, now: number): void {
  const credentialKey = attempt.credential.key;
  if (action.kind !== "return-to-client") {
    // Only the upstream's own failures count against the target; a client's bad request does not.
    const modelKey = makeModelKey(attempt.target.provider, attempt.target.upstreamModel);
    const model = app.health.get(modelKey);
    app.health.update(modelKey, {
      consecutiveErrors: (model?.consecutiveErrors ?? 0) + 1,
      lastError: action.detail,
      lastErrorAt: now,
      penalty: (model?.penalty ?? 0) + 1,
    });
  }
  switch (action.kind) {
    case "cooldown-credential": {
      const next = nextCooldown(cooldownStateOf(app, credentialKey), action, now);
      app.health.update(credentialKey, {
        cooldownUntil: next.untilMs,
        reason: next.reason,
        consecutiveErrors: next.consecutiveErrors,
        lastError: next.lastError,
        lastErrorAt: now,
      });
      state.excludedCredentials.add(credentialKey);
      return;
    }
    case "try-another": {
      // 5xx, resets and timeouts: one is a blip, a run of them means the credential's upstream is
      // down; after SERVER_FAILURES_TO_REST in a row it rests (doubling, capped) so requests stop
      // paying an attempt for it.
      const record = app.health.get(credentialKey);
      const consecutiveErrors = (record?.consecutiveErrors ?? 0) + 1;
      const patch: { -readonly [K in keyof HealthPatch]: HealthPatch[K] } = {
        consecutiveErrors,
        lastError: action.detail,
        lastErrorAt: now,
      };
      if (consecutiveErrors >= SERVER_FAILURES_TO_REST) {
        const restMs = Math.min(
          SERVER_REST_MAX_MS,
          SERVER_REST_BASE_MS * 2 ** (consecutiveErrors - SERVER_FAILURES_TO_REST),
        );
        patch.cooldownUntil = Math.max(record?.cooldownUntil ?? 0, now + restMs);
        patch.reason = action.reason;
      }
      app.health.update(credentialKey, patch);
      state.excludedCredentials.add(credentialKey);
      return;
    }
    case "exclude-target":
      state.excludedTargets.add(targetKey(attempt.target));
      return;
    case "refresh-credential":
      state.refreshed.add(credentialKey);
      return;
    case "return-to-client":
    case "fail-in-stream":
      return;
  }
}

function recordSuccess(app: App, attempt: Attempt): void {
  for (const key of [
    attempt.credential.key,
    makeModelKey(attempt.target.provider, attempt.target.upstreamModel),
  ]) {
    const record = app.health.get(key);
    if (record !== undefined && (record.consecutiveErrors > 0 || record.penalty > 0)) {
      app.health.update(key, { consecutiveErrors: 0, penalty: 0 });
    }
  }
}

/** The error for a request that found nothing usable: the soonest way out, as Retry-After. */
function exhaustedError(picked: Extract<Pick, { kind: "none" }>, route: string): LlmuxError {
  if (picked.fullRetryAfterMs !== undefined) {
    return new LlmuxError(
      "rate_limited",
      `every credential for route "${route}" is at its concurrency or rpm limit`,
      {
        retryAfterMs: picked.fullRetryAfterMs,
      },
    );
  }
  const retryAfterMs =
    picked.cooldownUntil === undefined ? undefined : Math.max(1000, picked.cooldownUntil - Date.now());
  return new LlmuxError(
    "rate_limited",
    `no healthy credential left for route "${route}": all are cooling down or disabled`,
    {
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}

/**
 * The one retry/failover loop for every provider kind: bounded attempts and a total deadline;
 * each attempt excludes the credentials already tried (when everything is excluded, a retry
 * after backoff rather than a failure); only before the first byte reached the client.
 */
export interface FailoverOptions {
  /** A sticky session's credential, preferred while usable. */
  preferredCredential?: string;
  /** Called once with the attempt that served the request. */
  onSuccess?: (attempt: Attempt) => void;
}

export async function runWithFailover(
  app: App,
  context: RequestContext,
  route: string,
  targets: readonly ResolvedTarget[],
  options: FailoverOptions,
  run: (attempt: Attempt) => Promise<AttemptResult>,
): Promise<void> {
  const { maxAttempts, deadlineMs, backoffBaseMs, backoffMaxMs } = app.config.failover;
  const deadline = Date.now() + deadlineMs;
  const state: LoopState = {
    excludedCredentials: new Set(),
    excludedTargets: new Set(),
    refreshed: new Set(),
  };
  let last: AttemptFailure | undefined;
  let retries = 0;
  for (let number = 1; number <= maxAttempts && Date.now() < deadline; number++) {
    if (context.clientGone.aborted) return;
    // Most picks succeed at once: only a wait for a permit goes through the async loop.
    const first = pickOnce(app, targets, state, Date.now(), options.preferredCredential);
    const picked =
      first.kind === "attempt" || first.fullRetryAfterMs === undefined
        ? first
        : await pick(app, context, targets, state, deadline, options.preferredCredential);
    if (picked.kind === "none") {
      if (picked.onlyTried && state.excludedCredentials.size > 0 && number < maxAttempts) {
        state.excludedCredentials.clear();
        await sleep(backoffMs(retries++, Math.random, backoffBaseMs, backoffMaxMs));
        number--;
        continue;
      }
      // Nothing usable is left: the last upstream failure says more than "exhausted" does.
      if (last === undefined) throw exhaustedError(picked, route);
      break;
    }
    const attempt = picked.attempt;
    attempt.number = number;
    const label = `${attempt.target.provider}/${attempt.target.upstreamModel}`;
    context.log.attempts = number;
    context.log.target = label;
    context.log.credential = attempt.credential.config.id;
    let result: AttemptResult | undefined;
    try {
      try {
        const secret = attempt.credential.secret();
        attempt.secret = typeof secret === "object" ? await secret : secret;
      } catch (error) {
        // A token refresh that failed is this credential's problem: another may serve.
        const llmuxError = toLlmuxError(error);
        result = {
          kind: "failed",
          failure: { phase: "connect", status: llmuxError.status, error: llmuxError },
          error: llmuxError,
        };
      }
      // Attempts return upstream failures; anything they throw is local (a request that cannot
      // be encoded, say) and goes to the client as it is, without blaming the upstream.
      result ??= await run(attempt);
    } finally {
      attempt.lease.release();
    }
    if (result.kind === "done") {
      recordSuccess(app, attempt);
      options.onSuccess?.(attempt);
      return;
    }
    // The client went away: whatever the attempt saw (an aborted upstream call) is no failure of the upstream's.
    if (context.clientGone.aborted) return;
    const now = Date.now();
    const action = classifyFailure({
      ...result.failure,
      now,
      canRefresh: attempt.credential.canRefresh && !state.refreshed.has(attempt.credential.key),
      dailyResetUtc: app.config.quota.dailyResetUtc,
    });
    applyAction(app, attempt, action, state, now);
    last = result;
    context.log.error = action.detail;
    if (action.kind === "return-to-client" || action.kind === "fail-in-stream") break;
    if (action.kind === "refresh-credential") {
      try {
        await attempt.credential.forceRefresh(attempt.secret);
      } catch (error) {
        applyAction(
          app,
          attempt,
          { kind: "cooldown-credential", reason: "auth", detail: toLlmuxError(error).message },
          state,
          now,
        );
      }
    }
  }
  if (last === undefined) throw new LlmuxError("unavailable", `route "${route}" has no target left to try`);
  if (context.response.headersSent) return;
  if (last.respond !== undefined) last.respond();
  else sendError(context, last.error);
}
