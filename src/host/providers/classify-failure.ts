/**
 * Failure classification: one pure function from what an upstream attempt produced (HTTP status,
 * headers, body text, phase, the decoded or network error) to what the failover loop does next.
 *
 * | failure                                                              | action                            |
 * |----------------------------------------------------------------------|-----------------------------------|
 * | anything once output reached the client (phase stream-after-output)  | fail-in-stream                    |
 * | 401, 403, 400 "API key not valid" (Gemini), credential can refresh   | refresh-credential                |
 * | the same, no refresh possible (or already refreshed once)            | cooldown-credential, auth         |
 * | 402; quota bodies on 400/429 (insufficient_quota, billing_error,     | cooldown-credential, quota, until |
 * |   "credit balance", "usage limits", per-day limits, QuotaFailure     |   the reset time                  |
 * |   PerDay)                                                            |                                   |
 * | 404; 400/422 naming a missing model                                  | exclude-target                    |
 * | 429 (per-minute limits, QuotaFailure PerMinute, anything else)       | cooldown-credential, rate-limit   |
 * | 408, 529, overloaded_error, 429 RESOURCE_EXHAUSTED without quota     | cooldown-credential, overloaded   |
 * |   details ("Resource has been exhausted")                            |                                   |
 * | 409                                                                  | try-another, conflict             |
 * | other 5xx (500, 502, 503, 504 ...)                                   | try-another, server-error         |
 * | no response: connection reset/refused, DNS, early end of stream      | try-another, network              |
 * | connect / first-byte / idle timeout                                  | try-another, <phase>-timeout      |
 * | other 4xx (400, 413, 415, 422 ...)                                   | return-to-client                  |
 *
 * - An error event inside a 200 stream before any byte reached the client counts like the HTTP
 *   error it carries (its decoded status, or the status its type stands for).
 * - Rate-limit/overloaded waits (`retryAfterMs`), first found wins: `retry-after-ms`,
 *   `Retry-After` (seconds or an HTTP date, against `now`), Gemini `RetryInfo`, the decoded
 *   error's own, "try again in 6s" in the message, the reset header of an exhausted limit.
 * - Quota resets (`untilMs`), first found wins: Anthropic's "regain access on <date> at <time>
 *   UTC", reset headers (`x-ratelimit-reset-*`, `anthropic-ratelimit-*-reset`), the next daily
 *   reset for per-day limits, the waits above, else the next daily reset (`dailyResetUtc`).
 * - Every action carries a short `detail`, redacted, for logs and `lastError`.
 */

import { safeParseJson } from "../../core/json/safe-parse.js";
import type { LlmuxError } from "../../core/model/errors.js";
import { isJsonObject, type JsonObject } from "../../core/model/json.js";
import { assertNever } from "../../core/model/protocol.js";
import { retryDelayFromDetails } from "../../core/protocols/gemini/errors.js";
import { type HeaderBag, retryAfterFromHeaders } from "../../core/protocols/shared/upstream-error.js";
import { sanitizeLastError } from "../state/health.js";
import { type CooldownInput, nextDailyResetMs } from "./cooldown.js";

export type { CooldownReason } from "./cooldown.js";

/**
 * Where the attempt was when it failed: `connect` (no connection), `first-byte` (waiting for or
 * reading the response head and error body), `stream-before-output` (a 200 stream that failed
 * before anything was written to the client), `stream-after-output`.
 */
export type FailurePhase = "connect" | "first-byte" | "stream-before-output" | "stream-after-output";

export interface Failure {
  phase: FailurePhase;
  /** The HTTP status, when a response arrived. */
  status?: number;
  headers?: HeaderBag;
  /** The error body, or the data of the error event met in the stream. */
  body?: string;
  /** The decoded error: the protocol's decodeError, a stream error, or a transport error. */
  error?: LlmuxError;
  /** The credential can refresh and has not been force-refreshed for this request yet. */
  canRefresh?: boolean;
  /** Unix ms. */
  now: number;
  /** Daily quota reset, "HH:MM" UTC; default "00:00". */
  dailyResetUtc?: string;
}

export type TryAnotherReason =
  | "server-error"
  | "conflict"
  | "network"
  | "connect-timeout"
  | "first-byte-timeout"
  | "idle-timeout";

export type CooldownAction = { kind: "cooldown-credential" } & CooldownInput;

export type FailureAction =
  | { kind: "return-to-client"; detail: string }
  | { kind: "refresh-credential"; detail: string }
  | CooldownAction
  | { kind: "exclude-target"; detail: string }
  | { kind: "try-another"; reason: TryAnotherReason; detail: string }
  | { kind: "fail-in-stream"; detail: string };

/** What the body and the decoded error say, gathered once. */
interface Evidence {
  /** The status the failure stands for; undefined when no response said anything. */
  status: number | undefined;
  /** Error type/code/status strings: `overloaded_error`, `insufficient_quota`, `RESOURCE_EXHAUSTED`. */
  labels: Set<string>;
  /**
   * Messages, labels and quota ids, for keyword tests. Never the raw body: some servers echo
   * the request in validation errors, and a prompt must not cool a credential down.
   */
  text: string;
  message: string | undefined;
  /** Gemini QuotaFailure violations: quotaId and quotaMetric strings. */
  quotaIds: string[];
  /** Gemini RetryInfo, ms. */
  retryDelayMs: number | undefined;
}

const LABEL_STATUS: ReadonlyMap<string, number> = new Map([
  ["overloaded_error", 529],
  ["rate_limit_error", 429],
  ["rate_limit_exceeded", 429],
  ["insufficient_quota", 429],
  ["RESOURCE_EXHAUSTED", 429],
  ["billing_error", 402],
  ["authentication_error", 401],
  ["invalid_api_key", 401],
  ["UNAUTHENTICATED", 401],
  ["permission_error", 403],
  ["PERMISSION_DENIED", 403],
  ["not_found_error", 404],
  ["model_not_found", 404],
  ["NOT_FOUND", 404],
  ["invalid_request_error", 400],
  ["context_length_exceeded", 400],
  ["INVALID_ARGUMENT", 400],
  ["FAILED_PRECONDITION", 400],
  ["request_too_large", 413],
  ["timeout_error", 504],
  ["DEADLINE_EXCEEDED", 504],
  ["UNAVAILABLE", 503],
  ["server_is_overloaded", 503],
  ["service_unavailable_error", 503],
  ["api_error", 500],
  ["server_error", 500],
  ["INTERNAL", 500],
]);

const NETWORK_CODES: ReadonlySet<string> = new Set(["timeout", "upstream_error", "upstream_incomplete"]);

/** A 400 that is really a bad key (Gemini): by its ErrorInfo reason, code, or the start of its message. */
const AUTH_400_LABELS = ["API_KEY_INVALID", "API_KEY_EXPIRED", "invalid_api_key"];
const AUTH_400_MESSAGE = /^(?:API key (?:not valid|expired)|Incorrect API key)/i;
const MODEL_MISSING_TEXT =
  /model_not_found|\bmodel\b[^.\n]{0,100}?\b(?:not found|does not exist|not exist)|unknown model|no such model/i;
const DAILY_TEXT = /per[ _-]?day|\bdaily\b|\((?:RPD|TPD)\)/i;
const RATE_TEXT =
  /per[ _-]?min(?:ute)?\b|per[ _-]?second|\((?:RPM|TPM|ITPM|OTPM)\)|resource has been exhausted/i;
const QUOTA_TEXT =
  /insufficient_quota|billing|credit balance|insufficient (?:credits|balance|funds)|usage limit|spend(?:ing)? limit|quota|payment/i;
const QUOTA_LABELS = ["insufficient_quota", "billing_error"];
/** A 400 is the client's fault unless it plainly says the account ran dry. */
const QUOTA_400_TEXT =
  /credit balance|usage limits|insufficient_quota|exceeded your current quota|insufficient (?:credits|balance|funds)/i;

export function classifyFailure(failure: Failure): FailureAction {
  const evidence = gatherEvidence(failure);
  const detail = describe(failure, evidence);
  if (failure.phase === "stream-after-output") return { kind: "fail-in-stream", detail };
  if (evidence.status === undefined) return { kind: "try-another", reason: networkReason(failure), detail };
  return classifyStatus(evidence.status, evidence, failure, detail);
}

function classifyStatus(status: number, evidence: Evidence, failure: Failure, detail: string): FailureAction {
  const { text, labels } = evidence;
  if (status === 401 || status === 403 || (status === 400 && isBadKey(evidence))) {
    if (failure.canRefresh === true) return { kind: "refresh-credential", detail };
    return { kind: "cooldown-credential", reason: "auth", detail };
  }
  const scope = quotaScope(evidence, failure.error);
  const quota =
    status === 402 ||
    (status === 429 && (scope === "quota" || scope === "daily")) ||
    (status === 400 && (QUOTA_LABELS.some((label) => labels.has(label)) || QUOTA_400_TEXT.test(text)));
  if (quota) {
    return quotaAction(failure, evidence, scope === "daily", detail);
  }
  if (status === 404 || ((status === 400 || status === 422) && MODEL_MISSING_TEXT.test(text))) {
    return { kind: "exclude-target", detail };
  }
  const overloaded =
    status === 529 ||
    status === 408 ||
    labels.has("overloaded_error") ||
    (status === 429 &&
      (/overloaded/i.test(text) || (labels.has("RESOURCE_EXHAUSTED") && evidence.quotaIds.length === 0)));
  if (overloaded || status === 429) {
    return withRetryAfter(
      { kind: "cooldown-credential", reason: overloaded ? "overloaded" : "rate-limit", detail },
      retryHint(failure, evidence) ?? exhaustedResetMs(failure.headers, failure.now, false),
    );
  }
  if (status === 409) return { kind: "try-another", reason: "conflict", detail };
  if (status >= 500 || status < 400) return { kind: "try-another", reason: "server-error", detail };
  return { kind: "return-to-client", detail };
}

function isBadKey(evidence: Evidence): boolean {
  if (AUTH_400_LABELS.some((label) => evidence.labels.has(label))) return true;
  return evidence.message !== undefined && AUTH_400_MESSAGE.test(evidence.message.trim());
}

function withRetryAfter(action: CooldownAction, retryAfterMs: number | undefined): CooldownAction {
  if (retryAfterMs !== undefined) action.retryAfterMs = retryAfterMs;
  return action;
}

function quotaAction(failure: Failure, evidence: Evidence, daily: boolean, detail: string): CooldownAction {
  const { now } = failure;
  const hint = retryHint(failure, evidence);
  const untilMs =
    regainAccessAt(evidence.text, now) ??
    resetFromHeaders(failure.headers, now) ??
    (daily ? nextDailyResetMs(now, failure.dailyResetUtc) : undefined) ??
    (hint !== undefined ? now + hint : nextDailyResetMs(now, failure.dailyResetUtc));
  return withRetryAfter({ kind: "cooldown-credential", reason: "quota", untilMs, detail }, hint);
}

/** Per-day / plain quota / per-minute, from the structured details first, then the text. */
function quotaScope(
  evidence: Evidence,
  error: LlmuxError | undefined,
): "daily" | "quota" | "rate" | undefined {
  const ids = evidence.quotaIds.join(" ");
  if (/PerDay|per_day/i.test(ids)) return "daily";
  if (/PerMinute|PerSecond|PerHour|per_minute|per_second/i.test(ids)) return "rate";
  if (DAILY_TEXT.test(evidence.text)) return "daily";
  if (QUOTA_LABELS.some((label) => evidence.labels.has(label))) return "quota";
  if (RATE_TEXT.test(evidence.text)) return "rate";
  if (QUOTA_TEXT.test(evidence.text) || error?.code === "quota_exhausted") return "quota";
  return undefined;
}

function networkReason(failure: Failure): TryAnotherReason {
  const error = failure.error;
  const cause = causeCode(error);
  if (cause === "UND_ERR_CONNECT_TIMEOUT") return "connect-timeout";
  if (cause === "UND_ERR_HEADERS_TIMEOUT") return "first-byte-timeout";
  if (cause === "UND_ERR_BODY_TIMEOUT") return "idle-timeout";
  if (error?.code !== "timeout" && cause !== "ETIMEDOUT") return "network";
  switch (failure.phase) {
    case "connect":
      return "connect-timeout";
    case "first-byte":
      return "first-byte-timeout";
    case "stream-before-output":
    case "stream-after-output":
      return "idle-timeout";
    default:
      return assertNever(failure.phase, "failure phase");
  }
}

/** The first string `code` on the error's cause chain (`ECONNRESET`, `UND_ERR_BODY_TIMEOUT`). */
function causeCode(error: Error | undefined): string | undefined {
  let current: unknown = error?.cause;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

// ---------------------------------------------------------------- evidence from body and error

function gatherEvidence(failure: Failure): Evidence {
  const { error } = failure;
  const payload = errorObjectOf(failure.body);
  const labels = new Set<string>();
  for (const key of ["type", "code", "status"]) {
    const value = payload?.[key];
    if (typeof value === "string" && value !== "" && value !== "error") labels.add(value);
  }
  if (error?.upstreamType !== undefined) labels.add(error.upstreamType);
  for (const reason of errorInfoReasons(payload?.details)) labels.add(reason);
  const bodyMessage = typeof payload?.message === "string" ? payload.message : undefined;
  const message = error?.message ?? bodyMessage;
  const details = payload?.details;
  const quotaIds = quotaIdsOf(details);
  return {
    status: effectiveStatus(failure, payload, labels),
    labels,
    text: [error?.message ?? "", bodyMessage ?? "", ...labels, ...quotaIds].join("\n"),
    message,
    quotaIds,
    retryDelayMs: retryDelayFromDetails(details),
  };
}

function effectiveStatus(
  failure: Failure,
  payload: JsonObject | undefined,
  labels: Set<string>,
): number | undefined {
  if (failure.status !== undefined && failure.status >= 400) return failure.status;
  const error = failure.error;
  if (error?.upstreamType !== undefined) return error.status;
  const numeric = payload?.code;
  if (typeof numeric === "number" && numeric >= 400 && numeric < 600) return numeric;
  for (const label of labels) {
    const status = LABEL_STATUS.get(label);
    if (status !== undefined) return status;
  }
  if (error !== undefined && !NETWORK_CODES.has(error.code)) return error.status;
  if (payload !== undefined) return 500;
  // A response that is neither an error nor a success (1xx, 3xx) with nothing more to say.
  if (failure.status !== undefined && (failure.status < 200 || failure.status >= 300)) return failure.status;
  return undefined;
}

/**
 * The error object of an upstream body or stream event: `{error:{...}}` (OpenAI, Anthropic,
 * Gemini, also inside a JSON array), a `response.failed` event's `response.error`, or a flat
 * Responses `{type:"error", code, message}` event.
 */
function errorObjectOf(body: string | undefined): JsonObject | undefined {
  if (body === undefined || body.trim() === "") return undefined;
  const parsed = safeParseJson(body);
  if (!parsed.ok) return undefined;
  const value = Array.isArray(parsed.value) ? (parsed.value[0] as unknown) : parsed.value;
  if (!isJsonObject(value)) return undefined;
  if (isJsonObject(value.error)) return value.error;
  if (isJsonObject(value.response) && isJsonObject(value.response.error)) return value.response.error;
  return value.type === "error" ? value : undefined;
}

/** Gemini ErrorInfo reasons (`API_KEY_INVALID`). */
function errorInfoReasons(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((detail) =>
    isJsonObject(detail) && typeof detail.reason === "string" ? [detail.reason] : [],
  );
}

function quotaIdsOf(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  const ids: string[] = [];
  for (const detail of details) {
    if (!isJsonObject(detail) || !Array.isArray(detail.violations)) continue;
    for (const violation of detail.violations) {
      if (!isJsonObject(violation)) continue;
      for (const key of ["quotaId", "quotaMetric"]) {
        const id = violation[key];
        if (typeof id === "string") ids.push(id);
      }
    }
  }
  return ids;
}

function describe(failure: Failure, evidence: Evidence): string {
  const label = [...evidence.labels][0];
  const parts = [headOf(failure, evidence), label, evidence.message];
  return sanitizeLastError(parts.filter((part) => part !== undefined && part !== "").join(" "));
}

function headOf(failure: Failure, evidence: Evidence): string {
  const { status, phase } = failure;
  if (status !== undefined && (status < 200 || status >= 300)) return `HTTP ${status}`;
  if (evidence.status !== undefined) return `stream error ${evidence.status}`;
  if (phase === "connect") return "no connection:";
  return phase === "first-byte" ? "no response:" : "stream broke:";
}

// ---------------------------------------------------------------- waits and reset times

function headerValue(headers: HeaderBag | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const first = Array.isArray(value) ? value[0] : value;
    return first?.trim();
  }
  return undefined;
}

/** The server's wait in ms, from headers, RetryInfo, the decoded error or the message text. */
function retryHint(failure: Failure, evidence: Evidence): number | undefined {
  return (
    parseRetryAfterMs(failure.headers, failure.now) ??
    evidence.retryDelayMs ??
    failure.error?.retryAfterMs ??
    retryInTextMs(evidence.message)
  );
}

/** `retry-after-ms`, then `Retry-After` as seconds or an HTTP date resolved against `now`. */
export function parseRetryAfterMs(headers: HeaderBag | undefined, now: number): number | undefined {
  return retryAfterFromHeaders(headers, now);
}

/** Go-style durations as OpenAI sends them: `6m0s`, `1.5s`, `20ms`, `1h2m`. */
export function parseDurationMs(text: string): number | undefined {
  if (!/^(?:\d+(?:\.\d+)?(?:ms|h|m|s|d))+$/.test(text)) return undefined;
  const unit: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s|d)/g)) {
    total += Number(match[1]) * (unit[match[2] ?? "s"] ?? 0);
  }
  return Math.ceil(total);
}

function retryInTextMs(message: string | undefined): number | undefined {
  const match = message && /(?:try again|retry) in ((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)/i.exec(message);
  return match ? parseDurationMs(match[1] ?? "") : undefined;
}

/** A reset header's value as unix ms: RFC3339, a duration (`6m0s`), epoch ms/s, or seconds from now. */
function parseResetMs(value: string, now: number): number | undefined {
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : date;
  }
  const duration = parseDurationMs(value);
  if (duration !== undefined) return now + duration;
  if (!/^\d+(\.\d+)?$/.test(value)) return undefined;
  const number = Number(value);
  if (number > 1e12) return Math.round(number);
  if (number > 1e9) return Math.round(number * 1000);
  return now + Math.ceil(number * 1000);
}

const RESET_HEADERS: ReadonlyArray<readonly [reset: string, remaining: string]> = [
  ["x-ratelimit-reset-requests", "x-ratelimit-remaining-requests"],
  ["x-ratelimit-reset-tokens", "x-ratelimit-remaining-tokens"],
  ["x-ratelimit-reset", "x-ratelimit-remaining"],
  ["anthropic-ratelimit-requests-reset", "anthropic-ratelimit-requests-remaining"],
  ["anthropic-ratelimit-tokens-reset", "anthropic-ratelimit-tokens-remaining"],
  ["anthropic-ratelimit-input-tokens-reset", "anthropic-ratelimit-input-tokens-remaining"],
  ["anthropic-ratelimit-output-tokens-reset", "anthropic-ratelimit-output-tokens-remaining"],
];

/**
 * The latest reset time (unix ms) among limits whose `remaining` is 0; when no header says
 * which limit ran out and `anyWhenUnknown`, the latest of all.
 */
function latestReset(
  headers: HeaderBag | undefined,
  now: number,
  anyWhenUnknown: boolean,
): number | undefined {
  let exhausted: number | undefined;
  let any: number | undefined;
  let remainingKnown = false;
  for (const [resetName, remainingName] of RESET_HEADERS) {
    const raw = headerValue(headers, resetName);
    const reset = raw === undefined ? undefined : parseResetMs(raw, now);
    const remaining = headerValue(headers, remainingName);
    if (remaining !== undefined) remainingKnown = true;
    if (reset === undefined || reset <= now) continue;
    any = Math.max(any ?? reset, reset);
    if (remaining !== undefined && Number(remaining) <= 0) exhausted = Math.max(exhausted ?? reset, reset);
  }
  return exhausted ?? (anyWhenUnknown && !remainingKnown ? any : undefined);
}

function resetFromHeaders(headers: HeaderBag | undefined, now: number): number | undefined {
  return latestReset(headers, now, true);
}

/** Ms until the exhausted limit resets (a rate-limit wait of last resort). */
function exhaustedResetMs(
  headers: HeaderBag | undefined,
  now: number,
  anyWhenUnknown: boolean,
): number | undefined {
  const reset = latestReset(headers, now, anyWhenUnknown);
  return reset === undefined ? undefined : reset - now;
}

/** Anthropic's usage-limit message: "You will regain access on 2025-07-01 at 00:00 UTC." */
function regainAccessAt(text: string, now: number): number | undefined {
  const match = /regain access on (\d{4}-\d{2}-\d{2}) at (\d{2}:\d{2}) UTC/i.exec(text);
  if (!match) return undefined;
  const date = Date.parse(`${match[1]}T${match[2]}:00Z`);
  return Number.isNaN(date) || date <= now ? undefined : date;
}
