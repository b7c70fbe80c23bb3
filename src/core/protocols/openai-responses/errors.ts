import type { LlmuxErrorData } from "../../model/errors.js";
import type { JsonObject } from "../../model/json.js";
import { decodeOpenAiErrorObject, openAiErrorType } from "../openai-chat/errors.js";
import { objectAt, stringAt } from "./wire.js";

export {
  decodeOpenAiError as decodeResponsesError,
  renderOpenAiError as renderResponsesError,
} from "../openai-chat/errors.js";

/**
 * The Responses stream's `error` event. It carries the SDK-typed flat fields (`code`, `message`,
 * `param`) and, as api.openai.com sends it, a nested `error` object, on which the official SDK
 * raises an APIError.
 */
export function renderResponsesStreamError(error: LlmuxErrorData, sequenceNumber = 0): string {
  const type = error.upstreamType ?? openAiErrorType(error.code);
  const payload = {
    type: "error",
    code: type,
    message: error.message,
    param: error.param ?? null,
    sequence_number: sequenceNumber,
    error: { type, code: type, message: error.message, param: error.param ?? null },
  };
  return `event: error\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** The HTTP status an in-stream error code stands for (the stream itself was a 200). */
function statusForStreamCode(code: string | undefined): number {
  switch (code) {
    case "rate_limit_exceeded":
    case "rate_limit_error":
    case "insufficient_quota":
      return 429;
    case "invalid_prompt":
    case "invalid_request_error":
    case "context_length_exceeded":
    case "invalid_image":
    case "invalid_image_format":
    case "image_too_large":
      return 400;
    case "server_is_overloaded":
    case "overloaded_error":
    case "service_unavailable_error":
      return 503;
    case "vector_store_timeout":
    case "timeout_error":
      return 504;
    default:
      return 500;
  }
}

/**
 * An error met inside a 200 Responses stream: an `error` event (flat `{code,message,param}` or
 * with a nested `error` object) or the `error` of a `response.failed` response.
 */
export function decodeResponsesStreamError(payload: JsonObject): LlmuxErrorData {
  const nested = objectAt(payload, "error");
  const source = nested ?? payload;
  const code = stringAt(source, "code");
  // A flat error event's own `type` is just "error"; only a nested error object has a real type.
  const type = (nested === undefined ? undefined : stringAt(nested, "type")) ?? code;
  const object: JsonObject = {
    message: stringAt(source, "message") ?? "upstream reported an error in the stream",
  };
  if (type !== undefined) object.type = type;
  if (code !== undefined) object.code = code;
  const param = stringAt(source, "param");
  if (param !== undefined) object.param = param;
  return decodeOpenAiErrorObject(statusForStreamCode(code ?? type), object).toData();
}
