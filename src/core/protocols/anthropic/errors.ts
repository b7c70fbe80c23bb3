import type { ErrorCode, LlmuxError, LlmuxErrorData } from "../../model/errors.js";
import { isJsonObject, type JsonObject } from "../../model/json.js";
import { assertNever } from "../../model/protocol.js";
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

export function anthropicErrorType(code: ErrorCode): string {
  switch (code) {
    case "invalid_request":
    case "unsupported_conversion":
    case "unsupported_media_type":
      return "invalid_request_error";
    case "authentication":
      return "authentication_error";
    case "permission":
    case "quota_exhausted":
      return code === "permission" ? "permission_error" : "billing_error";
    case "not_found":
      return "not_found_error";
    case "request_too_large":
      return "request_too_large";
    case "rate_limited":
      return "rate_limit_error";
    case "overloaded":
    case "unavailable":
      return "overloaded_error";
    case "timeout":
      return "timeout_error";
    case "upstream_error":
    case "upstream_incomplete":
    case "internal":
      return "api_error";
    default:
      return assertNever(code, "error code");
  }
}

function anthropicErrorPayload(error: LlmuxErrorData): JsonObject {
  return {
    type: "error",
    error: { type: error.upstreamType ?? anthropicErrorType(error.code), message: error.message },
  };
}

export function renderAnthropicError(error: LlmuxErrorData): RenderedError {
  const rendered: RenderedError = { status: error.status, body: anthropicErrorPayload(error) };
  if (error.retryAfterMs !== undefined) {
    rendered.headers = { "retry-after": String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) };
  }
  return rendered;
}

export function renderAnthropicStreamError(error: LlmuxErrorData): string {
  return `event: error\ndata: ${JSON.stringify(anthropicErrorPayload(error))}\n\n`;
}

function codeFromAnthropic(status: number, type: string | undefined): ErrorCode {
  switch (type) {
    case "overloaded_error":
      return "overloaded";
    case "rate_limit_error":
      return "rate_limited";
    case "authentication_error":
      return "authentication";
    case "permission_error":
      return "permission";
    case "billing_error":
      return "quota_exhausted";
    case "not_found_error":
      return "not_found";
    case "request_too_large":
      return "request_too_large";
    case "invalid_request_error":
      return "invalid_request";
    case "timeout_error":
      return "timeout";
    case "api_error":
      return "upstream_error";
    default:
      return codeForStatus(status);
  }
}

/** An Anthropic `{type:"error", error:{type,message}}` payload (HTTP body or stream event) as an LlmuxError. */
export function decodeAnthropicErrorPayload(
  status: number,
  payload: JsonObject | undefined,
  retryAfterMs?: number,
) {
  const inner = isJsonObject(payload?.error) ? payload.error : undefined;
  const type = stringField(inner, "type");
  const code = codeFromAnthropic(status, type);
  return buildUpstreamError({
    status: status >= 400 ? status : code === "overloaded" ? 529 : codeStatusFallback(code),
    code,
    message: stringField(inner, "message") ?? `upstream returned HTTP ${status}`,
    upstreamType: type,
    retryAfterMs,
  });
}

function codeStatusFallback(code: ErrorCode): number {
  return code === "rate_limited" ? 429 : code === "invalid_request" ? 400 : 500;
}

export function decodeAnthropicError(status: number, body: string, headers: HeaderBag): LlmuxError {
  const parsed = parseErrorBody(body);
  const retryAfterMs = retryAfterFromHeaders(headers);
  if (isJsonObject(parsed?.error)) return decodeAnthropicErrorPayload(status, parsed, retryAfterMs);
  return buildUpstreamError({
    status,
    code: codeForStatus(status),
    message: fallbackMessage(status, body),
    retryAfterMs,
  });
}
