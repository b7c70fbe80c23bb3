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

/** OpenAI's `error.type` for each code (shared by Chat Completions and Responses). */
export function openAiErrorType(code: ErrorCode): string {
  switch (code) {
    case "invalid_request":
    case "unsupported_conversion":
    case "request_too_large":
    case "unsupported_media_type":
      return "invalid_request_error";
    case "authentication":
      return "authentication_error";
    case "permission":
      return "permission_error";
    case "not_found":
      return "not_found_error";
    case "rate_limited":
      return "rate_limit_error";
    case "quota_exhausted":
      return "insufficient_quota";
    case "overloaded":
    case "unavailable":
      return "service_unavailable_error";
    case "timeout":
      return "timeout_error";
    case "upstream_error":
    case "upstream_incomplete":
    case "internal":
      return "server_error";
    default:
      return assertNever(code, "error code");
  }
}

export function openAiErrorObject(error: LlmuxErrorData): JsonObject {
  return {
    message: error.message,
    type: error.upstreamType ?? openAiErrorType(error.code),
    param: error.param ?? null,
    code: error.code,
  };
}

export function renderOpenAiError(error: LlmuxErrorData): RenderedError {
  const rendered: RenderedError = { status: error.status, body: { error: openAiErrorObject(error) } };
  if (error.retryAfterMs !== undefined) {
    rendered.headers = { "retry-after": String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) };
  }
  return rendered;
}

/** Chat Completions has no error event: an `error` object in a data frame (as OpenAI and OpenRouter send). */
export function renderOpenAiChatStreamError(error: LlmuxErrorData): string {
  return `data: ${JSON.stringify({ error: openAiErrorObject(error) })}\n\n`;
}

function codeFromOpenAi(status: number, type: string | undefined, code: string | undefined): ErrorCode {
  if (type === "insufficient_quota" || code === "insufficient_quota") return "quota_exhausted";
  if (code === "context_length_exceeded") return "invalid_request";
  return codeForStatus(status);
}

/** An OpenAI-shaped error object (`{message,type,param,code}`) as an LlmuxError. */
export function decodeOpenAiErrorObject(
  status: number,
  object: JsonObject,
  retryAfterMs?: number,
): LlmuxError {
  const type = stringField(object, "type");
  const rawCode = object.code;
  const code = typeof rawCode === "string" ? rawCode : undefined;
  return buildUpstreamError({
    status,
    code: codeFromOpenAi(status, type, code),
    message: stringField(object, "message") ?? `upstream returned HTTP ${status}`,
    upstreamType: type,
    param: stringField(object, "param"),
    retryAfterMs,
  });
}

export function decodeOpenAiError(status: number, body: string, headers: HeaderBag): LlmuxError {
  const parsed = parseErrorBody(body);
  const retryAfterMs = retryAfterFromHeaders(headers);
  const inner = parsed?.error;
  if (isJsonObject(inner)) return decodeOpenAiErrorObject(status, inner, retryAfterMs);
  return buildUpstreamError({
    status,
    code: codeForStatus(status),
    message: stringField(parsed, "message") ?? fallbackMessage(status, body),
    retryAfterMs,
  });
}

/** The HTTP status an error object inside a 200 stream stands for. */
function statusForStreamError(object: JsonObject): number {
  const numeric = object.code;
  if (typeof numeric === "number" && numeric >= 400 && numeric < 600) return numeric;
  const label = typeof numeric === "string" ? numeric : stringField(object, "type");
  switch (label) {
    case "rate_limit_exceeded":
    case "rate_limit_error":
    case "insufficient_quota":
      return 429;
    case "invalid_request_error":
    case "context_length_exceeded":
      return 400;
    case "authentication_error":
      return 401;
    case "server_is_overloaded":
    case "overloaded_error":
    case "service_unavailable_error":
      return 503;
    case "timeout_error":
      return 504;
    default:
      return 500;
  }
}

/**
 * An error met inside a 200 Chat stream: a chunk's `error` object (OpenAI, OpenRouter's
 * `{code: 400, message}`) or the payload of an `event: error` frame.
 */
export function decodeOpenAiChatStreamError(payload: JsonObject): LlmuxErrorData {
  const inner = isJsonObject(payload.error) ? payload.error : payload;
  const object: JsonObject = { ...inner };
  if (typeof object.message !== "string") object.message = "upstream reported an error in the stream";
  return decodeOpenAiErrorObject(statusForStreamError(inner), object).toData();
}
