import { safeParseJson } from "../../json/safe-parse.js";
import { isJsonObject } from "../../model/json.js";
import type { ToolCallPart } from "../../model/parts.js";
import type { CoreContext } from "../../model/protocol.js";

/** The wrapper some OpenAI models emit around parallel calls; its inner calls are the real ones. */
export const PARALLEL_WRAPPER_NAME = "multi_tool_use.parallel";

function stringOr(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

/** Arguments as JSON text: "{}" for none; an object some servers send instead of text is serialized. */
export function normalizeArguments(value: unknown): string {
  if (typeof value === "string") return value === "" ? "{}" : value;
  if (isJsonObject(value)) return JSON.stringify(value);
  return "{}";
}

/**
 * `multi_tool_use.parallel` arguments (`{"tool_uses":[{"recipient_name":"functions.x","parameters":{}}]}`)
 * as the calls they wrap, with ids derived from the wrapper's id. `undefined` when not that shape.
 */
export function unwrapParallelCalls(id: string, argumentsText: string): ToolCallPart[] | undefined {
  const parsed = safeParseJson(argumentsText);
  if (!parsed.ok || !isJsonObject(parsed.value)) return undefined;
  const uses = parsed.value.tool_uses;
  if (!Array.isArray(uses)) return undefined;
  const calls: ToolCallPart[] = [];
  uses.forEach((use, position) => {
    if (!isJsonObject(use) || typeof use.recipient_name !== "string") return;
    const name = use.recipient_name.startsWith("functions.")
      ? use.recipient_name.slice("functions.".length)
      : use.recipient_name;
    const parameters = isJsonObject(use.parameters) ? use.parameters : {};
    calls.push({ type: "tool-call", id: `${id}_${position}`, name, arguments: JSON.stringify(parameters) });
  });
  return calls;
}

/** One wire tool call (request history or response message) as canonical tool-call parts. */
export function decodeToolCall(call: unknown, context: CoreContext): ToolCallPart[] {
  if (!isJsonObject(call)) return [];
  const rawId = call.id;
  const id = typeof rawId === "string" && rawId !== "" ? rawId : context.newId("call_");
  if (call.type === "custom" && isJsonObject(call.custom)) {
    const name = stringOr(call.custom.name, "");
    return [{ type: "tool-call", id, name, arguments: stringOr(call.custom.input, ""), kind: "custom" }];
  }
  const fn = isJsonObject(call.function) ? call.function : {};
  const name = stringOr(fn.name, "");
  const args = normalizeArguments(fn.arguments);
  if (name === PARALLEL_WRAPPER_NAME) {
    const inner = unwrapParallelCalls(id, args);
    if (inner !== undefined) return inner;
  }
  return [{ type: "tool-call", id, name, arguments: args }];
}
