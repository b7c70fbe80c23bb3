import { safeParseJson } from "../../../src/core/json/safe-parse.js";
import { isJsonObject, type JsonObject } from "../../../src/core/model/json.js";
import { assertNever, type Protocol } from "../../../src/core/model/protocol.js";
import { sseData } from "../../support/gateway.js";

/** One request as a client of `protocol` would send it to llmux. */
export interface WireRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** The path a client of `protocol` posts a generation to (Gemini names the model in it). */
export function generationPath(protocol: Protocol, model: string, stream: boolean): string {
  switch (protocol) {
    case "openai-chat":
      return "/v1/chat/completions";
    case "openai-responses":
      return "/v1/responses";
    case "anthropic":
      return "/v1/messages";
    case "gemini":
      return stream
        ? `/v1beta/models/${model}:streamGenerateContent?alt=sse`
        : `/v1beta/models/${model}:generateContent`;
    default:
      return assertNever(protocol, "protocol");
  }
}

/** A minimal valid generation body for `protocol`. */
export function generationBody(
  protocol: Protocol,
  model: string,
  stream: boolean,
  prompt = "hi",
): JsonObject {
  switch (protocol) {
    case "openai-chat":
      return { model, stream, messages: [{ role: "user", content: prompt }] };
    case "openai-responses":
      return { model, stream, store: false, input: prompt };
    case "anthropic":
      return { model, stream, max_tokens: 64, messages: [{ role: "user", content: prompt }] };
    case "gemini":
      return { contents: [{ role: "user", parts: [{ text: prompt }] }] };
    default:
      return assertNever(protocol, "protocol");
  }
}

export function generationRequest(
  protocol: Protocol,
  model: string,
  stream: boolean,
  prompt = "hi",
): WireRequest {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (protocol === "anthropic") headers["anthropic-version"] = "2023-06-01";
  return {
    path: generationPath(protocol, model, stream),
    headers,
    body: JSON.stringify(generationBody(protocol, model, stream, prompt)),
  };
}

function parseObject(text: string): JsonObject | undefined {
  const parsed = safeParseJson(text);
  return parsed.ok && isJsonObject(parsed.value) ? parsed.value : undefined;
}

function excerpt(text: string): string {
  return text.length > 600 ? `${text.slice(0, 200)} … ${text.slice(-400)}` : text;
}

/**
 * Why `text` (a whole response body) is not a complete, successful answer containing `expected`
 * in `protocol`'s wire shape; undefined when it is.
 */
export function successProblem(
  protocol: Protocol,
  stream: boolean,
  status: number,
  text: string,
  expected: string,
): string | undefined {
  if (status !== 200) return `status ${status}: ${excerpt(text)}`;
  if (!text.includes(expected)) return `answer lacks "${expected}": ${excerpt(text)}`;
  if (!stream) {
    const body = parseObject(text);
    if (body === undefined) return `body is not a JSON object: ${excerpt(text)}`;
    return "error" in body ? `body carries an error: ${excerpt(text)}` : undefined;
  }
  if (hasStreamError(protocol, text)) return `stream carries an error: ${excerpt(text)}`;
  const events = sseData(text);
  const ended = (() => {
    switch (protocol) {
      case "openai-chat":
        return events.at(-1) === "[DONE]";
      case "openai-responses":
        return events.some((data) => data.includes('"response.completed"'));
      case "anthropic":
        return events.some((data) => data.includes('"message_stop"'));
      case "gemini":
        return events.some((data) => data.includes('"finishReason"'));
      default:
        return assertNever(protocol, "protocol");
    }
  })();
  return ended ? undefined : `stream ended without its terminal event: ${excerpt(text)}`;
}

/** Why `body` is not an error response in `protocol`'s own shape with this status; undefined when it is. */
export function errorShapeProblem(protocol: Protocol, status: number, text: string): string | undefined {
  const body = parseObject(text);
  if (body === undefined) return `error body is not a JSON object: ${excerpt(text)}`;
  const error = body.error;
  if (!isJsonObject(error)) return `no error object: ${excerpt(text)}`;
  if (typeof error.message !== "string" || error.message === "") return `no error message: ${excerpt(text)}`;
  switch (protocol) {
    case "openai-chat":
    case "openai-responses":
      return typeof error.type === "string" ? undefined : `OpenAI error without type: ${excerpt(text)}`;
    case "anthropic":
      return body.type === "error" && typeof error.type === "string"
        ? undefined
        : `not an Anthropic error: ${excerpt(text)}`;
    case "gemini":
      return error.code === status && typeof error.status === "string"
        ? undefined
        : `not a Gemini error for ${status}: ${excerpt(text)}`;
    default:
      return assertNever(protocol, "protocol");
  }
}

/** Whether an SSE body carries `protocol`'s own in-stream error event. */
export function hasStreamError(protocol: Protocol, text: string): boolean {
  switch (protocol) {
    case "anthropic":
    case "openai-responses":
      return /(^|\n)event: error\r?\n/.test(text);
    case "openai-chat":
    case "gemini":
      return sseData(text).some((data) => isJsonObject(parseObject(data)?.error));
    default:
      return assertNever(protocol, "protocol");
  }
}

/**
 * Why a response to a request that could not be served is not a clear error in `protocol`:
 * either an error status (4xx/5xx) with the protocol's error body, or (once streaming had
 * started) a stream that carries the protocol's error event and no terminal success event.
 */
export function protocolErrorProblem(
  protocol: Protocol,
  status: number,
  contentType: string,
  text: string,
): string | undefined {
  if (status >= 400) return errorShapeProblem(protocol, status, text);
  if (!contentType.includes("text/event-stream")) {
    return `status ${status} (${contentType}) for a request that cannot succeed: ${excerpt(text)}`;
  }
  if (!hasStreamError(protocol, text)) return `stream without an error event: ${excerpt(text)}`;
  if (text.includes("message_stop") || text.includes("[DONE]") || text.includes("response.completed")) {
    return `stream ends like a success: ${excerpt(text)}`;
  }
  return undefined;
}
