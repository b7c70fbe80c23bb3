import type { JsonObject, JsonValue } from "../../../src/core/model/json.js";
import {
  type ConversationView,
  emptyView,
  imageFromUrl,
  type ViewPart,
  type ViewRole,
} from "./conversation-view.js";
import { argumentsValue, objectsOf, stringOf } from "./json-access.js";

function contentParts(content: JsonValue | undefined): ViewPart[] {
  if (typeof content === "string") return [{ kind: "text", text: content }];
  return objectsOf(content).flatMap((part): ViewPart[] => {
    const text = stringOf(part.text) ?? stringOf(part.refusal);
    if (text !== undefined) return [{ kind: "text", text }];
    const url = stringOf(part.image_url);
    if (part.type === "input_image" && url !== undefined)
      return [{ kind: "image", image: imageFromUrl(url) }];
    return [];
  });
}

function textsOf(parts: ViewPart[]): string[] {
  return parts.flatMap((part) => (part.kind === "text" ? [part.text] : []));
}

/**
 * Responses `instructions` + `input` items. A leading run of system/developer messages joins
 * the system prompt; consecutive assistant-side items (messages, reasoning, calls) form one
 * assistant turn, consecutive tool outputs one tool turn.
 */
export function readResponsesConversation(body: JsonObject): ConversationView {
  const view = emptyView();
  const instructions = stringOf(body.instructions);
  if (instructions !== undefined && instructions !== "") view.system.push(instructions);
  const input = body.input;
  if (typeof input === "string") {
    view.turns.push({ role: "user", parts: [{ kind: "text", text: input }] });
    return view;
  }
  let leading = true;
  const turnFor = (role: ViewRole): ViewPart[] => {
    const last = view.turns[view.turns.length - 1];
    if (last !== undefined && last.role === role && (role === "assistant" || role === "tool"))
      return last.parts;
    const turn = { role, parts: [] as ViewPart[] };
    view.turns.push(turn);
    return turn.parts;
  };
  for (const item of objectsOf(input)) {
    const type = stringOf(item.type) ?? (item.role !== undefined ? "message" : "");
    const role = stringOf(item.role);
    if (type === "message" && (role === "system" || role === "developer")) {
      const parts = contentParts(item.content);
      if (leading) view.system.push(...textsOf(parts));
      else view.turns.push({ role: "system", parts });
      continue;
    }
    leading = false;
    switch (type) {
      case "message":
        if (role === "assistant") turnFor("assistant").push(...contentParts(item.content));
        else view.turns.push({ role: "user", parts: contentParts(item.content) });
        break;
      case "reasoning": {
        const text = objectsOf(item.summary)
          .map((part) => stringOf(part.text) ?? "")
          .join("");
        const part: ViewPart = { kind: "thinking", text };
        const signature = stringOf(item.encrypted_content);
        if (signature !== undefined) part.signature = signature;
        turnFor("assistant").push(part);
        break;
      }
      case "function_call":
      case "custom_tool_call":
        turnFor("assistant").push({
          kind: "call",
          id: stringOf(item.call_id),
          name: stringOf(item.name) ?? "",
          args: type === "function_call" ? argumentsValue(stringOf(item.arguments)) : stringOf(item.input),
        });
        break;
      case "function_call_output":
      case "custom_tool_call_output": {
        const output = contentParts(item.output);
        const parts = turnFor("tool");
        parts.push({
          kind: "result",
          id: stringOf(item.call_id),
          name: undefined,
          text: textsOf(output).join("\n"),
          isError: false,
        });
        for (const part of output) if (part.kind === "image") parts.push(part);
        break;
      }
      default:
        throw new Error(`responses input item of type ${type}`);
    }
  }
  for (const tool of objectsOf(body.tools)) {
    const name = stringOf(tool.name);
    if (name !== undefined) view.tools.push(name);
  }
  const choice = body.tool_choice;
  if (choice === "auto" || choice === "none" || choice === "required") view.toolChoice = choice;
  else if (typeof choice === "object" && choice !== null && !Array.isArray(choice)) {
    view.toolChoice = { tool: stringOf(choice.name) ?? "" };
  }
  if (body.parallel_tool_calls === false) view.parallelToolCalls = false;
  return view;
}
