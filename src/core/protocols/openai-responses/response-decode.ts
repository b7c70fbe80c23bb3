import { LlmuxError } from "../../model/errors.js";
import type { JsonObject } from "../../model/json.js";
import type { OutputPart } from "../../model/parts.js";
import type { CoreContext } from "../../model/protocol.js";
import type { CanonicalResponse } from "../../model/response.js";
import { emptyUsage } from "../../model/usage.js";
import type { Warning } from "../../model/warnings.js";
import { decodeResponsesStreamError } from "./errors.js";
import { decodeFinishReason, type OutputFacts } from "./finish.js";
import { unwrapParallelCall } from "./parallel-unwrap.js";
import { reasoningTexts, thinkingPartsOf } from "./reasoning-items.js";
import { decodeResponsesUsage } from "./usage.js";
import { arrayAt, numberAt, objectAt, objectOf, stringAt } from "./wire.js";

function textsAt(object: JsonObject, key: string): { text: string }[] {
  const texts: { text: string }[] = [];
  for (const entry of arrayAt(object, key)) {
    const text = stringAt(objectOf(entry), "text");
    if (text !== undefined) texts.push({ text });
  }
  return texts;
}

/** The thinking parts of a reasoning output item. */
export function decodeReasoningItem(item: JsonObject): OutputPart[] {
  return thinkingPartsOf(
    reasoningTexts(textsAt(item, "summary"), textsAt(item, "content")),
    stringAt(item, "id"),
    stringAt(item, "encrypted_content"),
  );
}

/** The tool calls of a function_call item (a `multi_tool_use.parallel` wrapper unwrapped). */
export function decodeFunctionCallItem(item: JsonObject, context: CoreContext): OutputPart[] {
  const callId = stringAt(item, "call_id") ?? context.newId("call_");
  const name = stringAt(item, "name") ?? "";
  const argumentsText = stringAt(item, "arguments") ?? "";
  const unwrapped = unwrapParallelCall(callId, name, argumentsText);
  if (unwrapped !== undefined) return unwrapped.map((call) => ({ type: "tool-call", ...call }));
  return [{ type: "tool-call", id: callId, name, arguments: argumentsText === "" ? "{}" : argumentsText }];
}

/** The parts of one output item, updating `facts`; unsupported items add a warning. */
export function decodeOutputItem(
  item: JsonObject,
  facts: OutputFacts,
  warnings: Warning[],
  context: CoreContext,
): OutputPart[] {
  const type = stringAt(item, "type");
  switch (type) {
    case "message": {
      const parts: OutputPart[] = [];
      for (const entry of arrayAt(item, "content")) {
        const part = objectOf(entry);
        const partType = stringAt(part, "type");
        if (partType === "output_text") {
          parts.push({ type: "text", text: stringAt(part, "text") ?? "" });
          if (arrayAt(part, "annotations").length > 0) {
            warnings.push({
              code: "annotations_dropped",
              message: "output_text annotations (citations) dropped",
            });
          }
        } else if (partType === "refusal") {
          facts.sawRefusal = true;
          parts.push({ type: "text", text: stringAt(part, "refusal") ?? "", refusal: true });
        }
      }
      return parts;
    }
    case "reasoning":
      return decodeReasoningItem(item);
    case "function_call":
      facts.sawToolCall = true;
      return decodeFunctionCallItem(item, context);
    case "custom_tool_call":
      facts.sawToolCall = true;
      return [
        {
          type: "tool-call",
          id: stringAt(item, "call_id") ?? context.newId("call_"),
          name: stringAt(item, "name") ?? "",
          arguments: stringAt(item, "input") ?? "",
          kind: "custom",
        },
      ];
    default:
      warnings.push({
        code: "output_item_dropped",
        message: `output item of type ${type ?? "(none)"} has no canonical form; dropped`,
      });
      return [];
  }
}

function deduplicate(warnings: Warning[]): Warning[] {
  const seen = new Set<string>();
  return warnings.filter((warning) => {
    const key = `${warning.code}\u0000${warning.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A non-streaming Responses body (or the `response` of a terminal stream event). */
export function decodeResponsesResponse(body: unknown, context: CoreContext): CanonicalResponse {
  const object = objectOf(body);
  if (object === undefined)
    throw new LlmuxError("upstream_error", "upstream sent a response that is not an object");
  const status = stringAt(object, "status");
  const error = objectAt(object, "error");
  if (status === "failed" || (error !== undefined && status !== "completed" && status !== "incomplete")) {
    throw LlmuxError.fromData(decodeResponsesStreamError(error ?? { message: "upstream response failed" }));
  }
  const warnings: Warning[] = [];
  const facts: OutputFacts = { sawToolCall: false, sawRefusal: false };
  const content: OutputPart[] = [];
  for (const entry of arrayAt(object, "output")) {
    const item = objectOf(entry);
    if (item !== undefined) content.push(...decodeOutputItem(item, facts, warnings, context));
  }
  return {
    id: stringAt(object, "id") ?? context.newId("resp_"),
    model: stringAt(object, "model") ?? "",
    created: numberAt(object, "created_at") ?? Math.floor(context.now() / 1000),
    content,
    finishReason: decodeFinishReason(
      status,
      stringAt(objectAt(object, "incomplete_details"), "reason"),
      facts,
    ),
    usage: decodeResponsesUsage(object.usage) ?? emptyUsage(),
    warnings: deduplicate(warnings),
  };
}
