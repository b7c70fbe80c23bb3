import { safeParseJson } from "../../json/safe-parse.js";
import { LlmuxError } from "../../model/errors.js";
import { isJsonObject, type JsonObject } from "../../model/json.js";
import type { OutputPart, ThinkingPart } from "../../model/parts.js";
import { assertNever, type CoreContext } from "../../model/protocol.js";
import { carrySignature } from "../../model/reasoning-carry.js";
import type { CanonicalResponse } from "../../model/response.js";
import { emptyUsage } from "../../model/usage.js";
import type { ResponseEncodeOptions } from "../adapter.js";
import { decodeStopReason, encodeStopReason } from "./finish.js";
import { decodeAnthropicUsage, encodeAnthropicUsage } from "./usage.js";
import { WarningSink } from "./warnings.js";

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Unix seconds from the context clock (Anthropic messages carry no timestamp). */
export function createdNow(context: CoreContext): number {
  return Math.floor(context.now() / 1000);
}

function decodeBlock(block: JsonObject, warnings: WarningSink): OutputPart | undefined {
  switch (block.type) {
    case "text":
      if (Array.isArray(block.citations) && block.citations.length > 0) {
        warnings.add("citations_dropped", "text citations are not carried");
      }
      return { type: "text", text: stringOf(block.text) ?? "" };
    case "thinking": {
      const part: OutputPart = { type: "thinking", text: stringOf(block.thinking) ?? "" };
      const signature = stringOf(block.signature);
      if (signature !== undefined && signature !== "")
        part.signature = { origin: "anthropic", value: signature };
      return part;
    }
    case "redacted_thinking":
      return { type: "thinking", text: "", redactedData: stringOf(block.data) ?? "" };
    case "tool_use":
      return {
        type: "tool-call",
        id: stringOf(block.id) ?? "",
        name: stringOf(block.name) ?? "",
        arguments: isJsonObject(block.input) ? JSON.stringify(block.input) : "{}",
      };
    default:
      // Server tool blocks (server_tool_use, web_search_tool_result, mcp_*), `fallback` and
      // future types have no canonical form; the stream decoder skips them the same way.
      if (block.type !== "fallback") {
        warnings.add("block_dropped", `response block of type ${String(block.type)} is not carried`);
      }
      return undefined;
  }
}

/** A non-streaming Messages response body as a canonical response. */
export function decodeAnthropicResponse(body: unknown, context: CoreContext): CanonicalResponse {
  if (!isJsonObject(body) || !Array.isArray(body.content)) {
    throw new LlmuxError("upstream_error", "upstream sent a response that is not an Anthropic message");
  }
  const warnings = new WarningSink();
  const content: OutputPart[] = [];
  for (const block of body.content) {
    if (!isJsonObject(block)) continue;
    const part = decodeBlock(block, warnings);
    if (part !== undefined) content.push(part);
  }
  const stopReason = stringOf(body.stop_reason);
  const response: CanonicalResponse = {
    id: stringOf(body.id) ?? context.newId("msg_"),
    model: stringOf(body.model) ?? "",
    created: createdNow(context),
    content,
    finishReason: decodeStopReason(stopReason),
    usage: decodeAnthropicUsage(body.usage) ?? emptyUsage(),
    warnings: warnings.list,
  };
  const stopSequence = stringOf(body.stop_sequence);
  if (stopSequence !== undefined) response.stopSequence = stopSequence;
  const details = body.stop_details;
  if (isJsonObject(details) && typeof details.explanation === "string") {
    warnings.add("stop_details", details.explanation);
  }
  return response;
}

/** Tool arguments as the `input` object of a tool_use block. */
export function toolInput(argumentsText: string, kind: "function" | "custom" | undefined): JsonObject {
  if (kind === "custom") return { input: argumentsText };
  if (argumentsText.trim() === "") return {};
  const parsed = safeParseJson(argumentsText);
  return parsed.ok && isJsonObject(parsed.value) ? parsed.value : {};
}

function encodeBlock(part: OutputPart): JsonObject {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "thinking":
      if (part.redactedData !== undefined && (part.signature?.origin ?? "anthropic") === "anthropic") {
        return { type: "redacted_thinking", data: part.redactedData };
      }
      // A foreign signature rides in an envelope the client replays (core/model/reasoning-carry.ts).
      return {
        type: "thinking",
        thinking: part.text,
        signature: part.signature === undefined ? "" : carrySignature(part.signature, "anthropic"),
      };
    case "tool-call":
      return { type: "tool_use", id: part.id, name: part.name, input: toolInput(part.arguments, part.kind) };
    default:
      return assertNever(part, "output part");
  }
}

/** Reasoning with nothing an Anthropic client can show or replay. */
function isEmptyForeignThinking(part: ThinkingPart): boolean {
  return part.text === "" && part.redactedData === undefined && part.signature === undefined;
}

/** A canonical response as a Messages response body reporting the client's model name. */
export function encodeAnthropicResponse(
  response: CanonicalResponse,
  options: ResponseEncodeOptions,
  context: CoreContext,
): JsonObject {
  const content: JsonObject[] = [];
  let hasToolCalls = false;
  for (const part of response.content) {
    if (part.type === "text" && part.text === "") continue;
    if (part.type === "thinking" && isEmptyForeignThinking(part)) continue;
    if (part.type === "tool-call") hasToolCalls = true;
    content.push(encodeBlock(part));
  }
  return {
    id: response.id === "" ? context.newId("msg_") : response.id,
    type: "message",
    role: "assistant",
    model: options.model,
    content,
    stop_reason: encodeStopReason(response.finishReason, hasToolCalls),
    stop_sequence: response.stopSequence ?? null,
    usage: encodeAnthropicUsage(response.usage),
  };
}
