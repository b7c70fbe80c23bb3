import { safeParseJson } from "../../json/safe-parse.js";
import { isJsonObject } from "../../model/json.js";
import { arrayAt, stringAt } from "./wire.js";

/** Names under which models emit the `multi_tool_use.parallel` pseudo-tool. */
const WRAPPER_NAMES: ReadonlySet<string> = new Set(["multi_tool_use.parallel", "parallel"]);

export interface UnwrappedCall {
  id: string;
  name: string;
  arguments: string;
}

export function isParallelWrapperName(name: string): boolean {
  return WRAPPER_NAMES.has(name);
}

/**
 * The calls inside a `multi_tool_use.parallel` wrapper
 * (`{"tool_uses":[{"recipient_name":"functions.x","parameters":{...}}]}`), with ids derived
 * from the wrapper's call id so a stream and a whole response agree. Undefined when `name` is
 * not the wrapper or its arguments do not have the wrapper's shape (a real tool named
 * "parallel" stays untouched).
 */
export function unwrapParallelCall(
  callId: string,
  name: string,
  argumentsText: string,
): UnwrappedCall[] | undefined {
  if (!isParallelWrapperName(name)) return undefined;
  const parsed = safeParseJson(argumentsText);
  if (!parsed.ok || !isJsonObject(parsed.value)) return undefined;
  const uses = arrayAt(parsed.value, "tool_uses");
  if (uses.length === 0) return undefined;
  const calls: UnwrappedCall[] = [];
  for (const [position, use] of uses.entries()) {
    if (!isJsonObject(use)) return undefined;
    const recipient = stringAt(use, "recipient_name");
    if (recipient === undefined) return undefined;
    const parameters = use.parameters;
    calls.push({
      id: `${callId}_${position}`,
      name: recipient.startsWith("functions.") ? recipient.slice("functions.".length) : recipient,
      arguments: isJsonObject(parameters) ? JSON.stringify(parameters) : "{}",
    });
  }
  return calls;
}
