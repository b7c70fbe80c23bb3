import type { JsonObject } from "../../core/model/json.js";
import { assertNever, type Protocol } from "../../core/model/protocol.js";
import type { MockHttpError, MockStreamError } from "../script.js";
import { JSON_CONTENT_TYPE, type MockRendering } from "./shared.js";

const DEFAULT_MESSAGES: Record<number, string> = {
  400: "Invalid request (mock upstream).",
  401: "Invalid API key (mock upstream).",
  402: "Your credit balance is too low (mock upstream).",
  403: "Permission denied (mock upstream).",
  404: "The requested model was not found (mock upstream).",
  408: "Request timed out (mock upstream).",
  413: "Request too large (mock upstream).",
  429: "Rate limit exceeded, please retry later (mock upstream).",
  500: "Internal server error (mock upstream).",
  502: "Bad gateway (mock upstream).",
  503: "Service unavailable (mock upstream).",
  504: "Gateway timeout (mock upstream).",
  529: "Overloaded",
};

export function defaultErrorMessage(status: number): string {
  return DEFAULT_MESSAGES[status] ?? `HTTP ${status} (mock upstream).`;
}

/** OpenAI `error.type` and `error.code` as the real API sends them for a status. */
export function openAiErrorKind(status: number): { type: string; code: string | null } {
  if (status === 401) return { type: "invalid_request_error", code: "invalid_api_key" };
  if (status === 403) return { type: "permission_error", code: null };
  if (status === 404) return { type: "invalid_request_error", code: "model_not_found" };
  if (status === 429) return { type: "requests", code: "rate_limit_exceeded" };
  if (status >= 500) return { type: "server_error", code: null };
  return { type: "invalid_request_error", code: null };
}

export function anthropicErrorKind(status: number): string {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 504:
      return "timeout_error";
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

/** google.rpc status names by HTTP status. */
export function geminiErrorStatus(status: number): string {
  switch (status) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 499:
      return "CANCELLED";
    case 501:
      return "UNIMPLEMENTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

function retryDelaySeconds(error: MockHttpError): number | undefined {
  if (error.retryAfterMs !== undefined) return error.retryAfterMs / 1000;
  return error.retryAfterSeconds;
}

function defaultErrorBody(protocol: Protocol, error: MockHttpError, seed: string): JsonObject {
  const message = error.message ?? defaultErrorMessage(error.status);
  switch (protocol) {
    case "openai-chat":
    case "openai-responses": {
      const kind = openAiErrorKind(error.status);
      return { error: { message, type: kind.type, param: null, code: kind.code } };
    }
    case "anthropic":
      return {
        type: "error",
        error: { type: anthropicErrorKind(error.status), message },
        request_id: `req_mock_${seed}`,
      };
    case "gemini": {
      const inner: JsonObject = { code: error.status, message, status: geminiErrorStatus(error.status) };
      if (error.status === 429) {
        const delay = retryDelaySeconds(error) ?? 1;
        inner.details = [
          {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            violations: [{ quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier" }],
          },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${delay}s` },
        ];
      }
      return { error: inner };
    }
    default:
      return assertNever(protocol, "protocol");
  }
}

/** An HTTP error answer: the script's body, or the protocol's own error shape for the status. */
export function renderHttpError(protocol: Protocol, error: MockHttpError, seed: string): MockRendering {
  const headers: Record<string, string> = { "content-type": JSON_CONTENT_TYPE };
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  if (error.retryAfterMs !== undefined) headers["retry-after-ms"] = String(error.retryAfterMs);
  Object.assign(headers, error.headers);
  const body =
    error.body === undefined
      ? JSON.stringify(defaultErrorBody(protocol, error, seed))
      : typeof error.body === "string"
        ? error.body
        : JSON.stringify(error.body);
  return { kind: "json", status: error.status, headers, body };
}

/** The stream error a script asks for, with the protocol's defaults filled in. */
export interface ResolvedStreamError {
  afterChunks: number;
  status: number;
  message: string;
  type: string;
}

export function resolveStreamError(protocol: Protocol, error: MockStreamError): ResolvedStreamError {
  const status = error.status ?? (protocol === "anthropic" ? 529 : 500);
  let type: string;
  switch (protocol) {
    case "openai-chat":
    case "openai-responses":
      type = error.type ?? openAiErrorKind(status).type;
      break;
    case "anthropic":
      type = error.type ?? anthropicErrorKind(status);
      break;
    case "gemini":
      type = error.type ?? geminiErrorStatus(status);
      break;
    default:
      assertNever(protocol, "protocol");
  }
  return {
    afterChunks: Math.max(0, error.afterChunks ?? 0),
    status,
    message: error.message ?? defaultErrorMessage(status),
    type,
  };
}
