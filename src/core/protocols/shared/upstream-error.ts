import { safeParseJson } from "../../json/safe-parse.js";
import { type ErrorCode, LlmuxError } from "../../model/errors.js";
import { isJsonObject, type JsonObject } from "../../model/json.js";

export type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const exact = headers[name];
  if (exact !== undefined) return (Array.isArray(exact) ? exact[0] : exact)?.trim();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return (Array.isArray(value) ? value[0] : value)?.trim();
  }
  return undefined;
}

const NUMBER = /^\d+(\.\d+)?$/;

/**
 * The server's wait in ms: `retry-after-ms`, then `Retry-After` in seconds, or as an HTTP date
 * when the caller gives the current time (the core reads no clock).
 */
export function retryAfterFromHeaders(headers: HeaderBag | undefined, now?: number): number | undefined {
  const ms = header(headers, "retry-after-ms");
  if (ms !== undefined && NUMBER.test(ms)) return Math.ceil(Number(ms));
  const value = header(headers, "retry-after");
  if (value === undefined || value === "") return undefined;
  if (NUMBER.test(value)) return Math.ceil(Number(value) * 1000);
  if (now === undefined) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The error code an HTTP status means when the body says nothing more specific. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return "invalid_request";
  if (status === 401) return "authentication";
  if (status === 402) return "quota_exhausted";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 408) return "timeout";
  if (status === 413) return "request_too_large";
  if (status === 415) return "unsupported_media_type";
  if (status === 429) return "rate_limited";
  if (status === 503) return "unavailable";
  if (status === 504) return "timeout";
  if (status === 529) return "overloaded";
  if (status >= 500) return "upstream_error";
  return "invalid_request";
}

/** Parse an upstream error body; `undefined` when it is not a JSON object. */
export function parseErrorBody(body: string): JsonObject | undefined {
  const parsed = safeParseJson(body);
  return parsed.ok && isJsonObject(parsed.value) ? parsed.value : undefined;
}

export function stringField(object: JsonObject | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === "string" ? value : undefined;
}

export interface UpstreamErrorParts {
  status: number;
  code: ErrorCode;
  message: string;
  upstreamType?: string | undefined;
  param?: string | undefined;
  retryAfterMs?: number | undefined;
}

export function buildUpstreamError(parts: UpstreamErrorParts): LlmuxError {
  const options: ConstructorParameters<typeof LlmuxError>[2] = { status: parts.status };
  if (parts.upstreamType !== undefined) options.upstreamType = parts.upstreamType;
  if (parts.param !== undefined) options.param = parts.param;
  if (parts.retryAfterMs !== undefined) options.retryAfterMs = parts.retryAfterMs;
  return new LlmuxError(parts.code, parts.message, options);
}

/** Text to show when an upstream error body had no message of its own. */
export function fallbackMessage(status: number, body: string): string {
  const snippet = body.trim().slice(0, 300);
  return snippet === "" ? `upstream returned HTTP ${status}` : `upstream returned HTTP ${status}: ${snippet}`;
}
