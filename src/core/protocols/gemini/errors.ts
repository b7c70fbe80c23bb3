import { safeParseJson } from "../../json/safe-parse.js";
import type { ErrorCode, LlmuxError, LlmuxErrorData } from "../../model/errors.js";
import { isJsonObject, type JsonObject } from "../../model/json.js";
import type { RenderedError } from "../adapter.js";
import {
  buildUpstreamError,
  codeForStatus,
  fallbackMessage,
  type HeaderBag,
  parseErrorBody,
  retryAfterFromHeaders,
  stringField,
} from "../shared/upstream-error.js";

/** google.rpc.Code names for each error code. */
export function geminiStatus(code: ErrorCode): string {
  switch (code) {
    case "invalid_request":
    case "unsupported_conversion":
    case "unsupported_media_type":
    case "request_too_large":
      return "INVALID_ARGUMENT";
    case "authentication":
      return "UNAUTHENTICATED";
    case "permission":
      return "PERMISSION_DENIED";
    case "not_found":
      return "NOT_FOUND";
    case "rate_limited":
    case "quota_exhausted":
    case "overloaded":
      return "RESOURCE_EXHAUSTED";
    case "unavailable":
      return "UNAVAILABLE";
    case "timeout":
      return "DEADLINE_EXCEEDED";
    case "upstream_error":
    case "upstream_incomplete":
    case "internal":
      return "INTERNAL";
  }
}

function geminiErrorPayload(error: LlmuxErrorData): JsonObject {
  const inner: JsonObject = { code: error.status, message: error.message, status: geminiStatus(error.code) };
  if (error.retryAfterMs !== undefined) {
    inner.details = [
      {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        retryDelay: `${Math.max(1, Math.ceil(error.retryAfterMs / 1000))}s`,
      },
    ];
  }
  return { error: inner };
}

export function renderGeminiError(error: LlmuxErrorData): RenderedError {
  const rendered: RenderedError = { status: error.status, body: geminiErrorPayload(error) };
  if (error.retryAfterMs !== undefined) {
    rendered.headers = { "retry-after": String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) };
  }
  return rendered;
}

export function renderGeminiStreamError(error: LlmuxErrorData): string {
  return `data: ${JSON.stringify(geminiErrorPayload(error))}\n\n`;
}

/** `RetryInfo.retryDelay` ("30s", "1.5s") from an error's details, in milliseconds. */
export function retryDelayFromDetails(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    if (!isJsonObject(detail)) continue;
    const delay = detail.retryDelay;
    if (typeof delay === "string") {
      const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
      if (match) return Math.ceil(Number(match[1]) * 1000);
    }
  }
  return undefined;
}

function codeFromGemini(status: number, rpcStatus: string | undefined, message: string): ErrorCode {
  if (rpcStatus === "RESOURCE_EXHAUSTED") {
    return /quota|exceeded your current quota|billing/i.test(message) && !/per minute/i.test(message)
      ? "quota_exhausted"
      : "rate_limited";
  }
  if (rpcStatus === "UNAVAILABLE") return "unavailable";
  if (rpcStatus === "DEADLINE_EXCEEDED") return "timeout";
  if (rpcStatus === "NOT_FOUND") return "not_found";
  if (rpcStatus === "UNAUTHENTICATED") return "authentication";
  if (rpcStatus === "PERMISSION_DENIED") return "permission";
  if (rpcStatus === "INVALID_ARGUMENT" || rpcStatus === "FAILED_PRECONDITION") return "invalid_request";
  return codeForStatus(status);
}

/** A Gemini `{error:{code,message,status,details}}` payload as an LlmuxError. */
export function decodeGeminiErrorPayload(
  status: number,
  payload: JsonObject,
  retryAfterMs?: number,
): LlmuxError {
  const inner = isJsonObject(payload.error) ? payload.error : payload;
  const rpcStatus = stringField(inner, "status");
  const message = stringField(inner, "message") ?? `upstream returned HTTP ${status}`;
  const innerCode = inner.code;
  const effectiveStatus = status >= 400 ? status : typeof innerCode === "number" ? innerCode : 500;
  return buildUpstreamError({
    status: effectiveStatus,
    code: codeFromGemini(effectiveStatus, rpcStatus, message),
    message,
    upstreamType: rpcStatus,
    retryAfterMs: retryDelayFromDetails(inner.details) ?? retryAfterMs,
  });
}

/**
 * The error object of a body: `{"error":{...}}`, or the first element of the JSON array
 * some endpoints send (`[{"error":{...}}]`, streamGenerateContent without `alt=sse`).
 */
function errorPayloadOf(body: string): JsonObject | undefined {
  const parsed = parseErrorBody(body);
  if (parsed !== undefined) return isJsonObject(parsed.error) ? parsed : undefined;
  const whole = safeParseJson(body);
  if (!whole.ok || !Array.isArray(whole.value)) return undefined;
  const first: unknown = whole.value[0];
  return isJsonObject(first) && isJsonObject(first.error) ? first : undefined;
}

export function decodeGeminiError(status: number, body: string, headers: HeaderBag): LlmuxError {
  const payload = errorPayloadOf(body);
  const retryAfterMs = retryAfterFromHeaders(headers);
  if (payload !== undefined) return decodeGeminiErrorPayload(status, payload, retryAfterMs);
  return buildUpstreamError({
    status,
    code: codeForStatus(status),
    message: fallbackMessage(status, body),
    retryAfterMs,
  });
}
