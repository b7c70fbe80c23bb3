import { LlmuxError } from "../../model/errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";
import type { OutputPart } from "../../model/parts.js";
import type { CoreContext } from "../../model/protocol.js";
import type { CanonicalResponse } from "../../model/response.js";
import { emptyUsage } from "../../model/usage.js";
import type { Warning } from "../../model/warnings.js";
import type { ResponseEncodeOptions } from "../adapter.js";
import { decodeOpenAiErrorObject } from "./errors.js";
import { decodeFinishReason, encodeFinishReason } from "./finish.js";
import { decodeThinkingParts, encodeReasoningDetail, readReasoningText } from "./reasoning-details.js";
import { decodeToolCall } from "./tool-calls.js";
import { decodeChatUsage, encodeChatUsage } from "./usage.js";

/** Separator between two text (or two reasoning) blocks when Chat can carry only one string. */
export const BLOCK_SEPARATOR = "\n\n";

function contentText(content: JsonValue | undefined): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) {
    if (isJsonObject(part) && typeof part.text === "string") text += part.text;
  }
  return text;
}

function firstChoice(body: JsonObject, warnings: Warning[]): JsonObject {
  const choices = Array.isArray(body.choices) ? body.choices : [];
  if (choices.length > 1) {
    warnings.push({
      code: "choices_dropped",
      message: `only the first of ${choices.length} choices is kept`,
    });
  }
  const choice = choices.find((item) => isJsonObject(item) && (item.index ?? 0) === 0) ?? choices[0];
  if (!isJsonObject(choice)) throw new LlmuxError("upstream_error", "upstream response has no choices");
  return choice;
}

function upstreamFailure(error: JsonObject): LlmuxError {
  const status = typeof error.code === "number" && error.code >= 400 && error.code < 600 ? error.code : 500;
  return decodeOpenAiErrorObject(status, error);
}

/** A Chat Completions response body -> canonical. An `error` body throws its LlmuxError. */
export function decodeChatResponse(body: unknown, context: CoreContext): CanonicalResponse {
  if (!isJsonObject(body)) throw new LlmuxError("upstream_error", "upstream response is not a JSON object");
  if (isJsonObject(body.error)) throw upstreamFailure(body.error);
  const warnings: Warning[] = [];
  const choice = firstChoice(body, warnings);
  const message = isJsonObject(choice.message) ? choice.message : {};
  const content: OutputPart[] = decodeThinkingParts(readReasoningText(message), message.reasoning_details);
  const text = contentText(message.content);
  if (text !== "") content.push({ type: "text", text });
  const refusal = typeof message.refusal === "string" && message.refusal !== "" ? message.refusal : undefined;
  if (refusal !== undefined) content.push({ type: "text", text: refusal, refusal: true });
  let hasToolCalls = false;
  for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
    for (const part of decodeToolCall(call, context)) {
      content.push(part);
      hasToolCalls = true;
    }
  }
  if (isJsonObject(message.function_call)) {
    content.push(...decodeToolCall({ type: "function", function: message.function_call }, context));
    hasToolCalls = true;
  }
  if (isJsonObject(message.audio))
    warnings.push({ code: "audio_dropped", message: "audio output was dropped" });
  const wireReason = typeof choice.finish_reason === "string" ? choice.finish_reason : "stop";
  let finishReason = decodeFinishReason(wireReason, hasToolCalls);
  if (refusal !== undefined && finishReason === "stop") finishReason = "refusal";
  return {
    id: typeof body.id === "string" && body.id !== "" ? body.id : context.newId("chatcmpl-"),
    model: typeof body.model === "string" ? body.model : "",
    created: typeof body.created === "number" ? body.created : Math.floor(context.now() / 1000),
    content,
    finishReason,
    usage: decodeChatUsage(body.usage) ?? emptyUsage(),
    warnings,
  };
}

function appendBlock(current: string | undefined, text: string): string {
  if (text === "") return current ?? "";
  return current === undefined || current === "" ? text : current + BLOCK_SEPARATOR + text;
}

/** Canonical -> a Chat Completions response body reporting `options.model`. */
export function encodeChatResponse(
  response: CanonicalResponse,
  options: ResponseEncodeOptions,
  context: CoreContext,
): JsonObject {
  let text: string | undefined;
  let refusal: string | undefined;
  let reasoning: string | undefined;
  const details: JsonObject[] = [];
  const calls: JsonObject[] = [];
  for (const part of response.content) {
    if (part.type === "text") {
      if (part.refusal === true) refusal = appendBlock(refusal, part.text);
      else text = appendBlock(text, part.text);
    } else if (part.type === "thinking") {
      const detail = encodeReasoningDetail(part);
      if (detail !== undefined) details.push(detail);
      reasoning = appendBlock(reasoning, part.text);
    } else if (part.kind === "custom") {
      calls.push({ id: part.id, type: "custom", custom: { name: part.name, input: part.arguments } });
    } else {
      const args = part.arguments === "" ? "{}" : part.arguments;
      calls.push({ id: part.id, type: "function", function: { name: part.name, arguments: args } });
    }
  }
  // Only text marked as a refusal goes in `refusal`, as the stream encoder sends it in `delta.refusal`.
  const refusalText = refusal === undefined || refusal === "" ? null : refusal;
  const noText = text === undefined || text === "";
  const message: JsonObject = {
    role: "assistant",
    content: noText && (refusalText !== null || calls.length > 0) ? null : (text ?? ""),
    refusal: refusalText,
  };
  if (reasoning !== undefined && reasoning !== "") message.reasoning_content = reasoning;
  if (details.length > 0) message.reasoning_details = details;
  if (calls.length > 0) message.tool_calls = calls;
  const mapped = encodeFinishReason(response.finishReason);
  const finishReason = mapped === "stop" && calls.length > 0 ? "tool_calls" : mapped;
  return {
    id: response.id === "" ? context.newId("chatcmpl-") : response.id,
    object: "chat.completion",
    created: response.created > 0 ? response.created : Math.floor(context.now() / 1000),
    model: options.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: encodeChatUsage(response.usage),
  };
}
