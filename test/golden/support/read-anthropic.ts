import type { JsonObject, JsonValue } from "../../../src/core/model/json.js";
import {
  type ConversationView,
  emptyView,
  type ImageView,
  type ViewPart,
  type ViewRole,
} from "./conversation-view.js";
import { objectOf, objectsOf, stringOf } from "./json-access.js";

function imageOf(block: JsonObject): ImageView | undefined {
  const source = objectOf(block.source);
  if (source?.type === "base64") {
    return { mediaType: stringOf(source.media_type) ?? "", data: stringOf(source.data) ?? "" };
  }
  const url = stringOf(source?.url) ?? stringOf(source?.file_id);
  return url === undefined ? undefined : { url };
}

function resultParts(block: JsonObject): ViewPart[] {
  const content: JsonValue | undefined = block.content;
  const texts: string[] = [];
  const images: ViewPart[] = [];
  if (typeof content === "string") texts.push(content);
  for (const inner of objectsOf(content)) {
    if (inner.type === "text") texts.push(stringOf(inner.text) ?? "");
    const image = inner.type === "image" ? imageOf(inner) : undefined;
    if (image !== undefined) images.push({ kind: "image", image });
  }
  const result: ViewPart = {
    kind: "result",
    id: stringOf(block.tool_use_id),
    name: undefined,
    text: texts.join("\n"),
    isError: block.is_error === true,
  };
  return [result, ...images];
}

function blockParts(block: JsonObject): ViewPart[] {
  switch (block.type) {
    case "text":
      return [{ kind: "text", text: stringOf(block.text) ?? "" }];
    case "image": {
      const image = imageOf(block);
      return image === undefined ? [] : [{ kind: "image", image }];
    }
    case "thinking": {
      const part: ViewPart = { kind: "thinking", text: stringOf(block.thinking) ?? "" };
      const signature = stringOf(block.signature);
      if (signature !== undefined && signature !== "") part.signature = signature;
      return [part];
    }
    case "redacted_thinking":
      return [{ kind: "thinking", text: "", signature: stringOf(block.data) ?? "" }];
    case "tool_use":
      return [
        { kind: "call", id: stringOf(block.id), name: stringOf(block.name) ?? "", args: block.input ?? {} },
      ];
    case "tool_result":
      return resultParts(block);
    default:
      return [];
  }
}

/** Anthropic `system` + `messages` (a `system` role message later on is a mid-conversation system turn). */
export function readAnthropicConversation(body: JsonObject): ConversationView {
  const view = emptyView();
  const system = body.system;
  if (typeof system === "string") view.system.push(system);
  for (const block of objectsOf(system)) view.system.push(stringOf(block.text) ?? "");
  for (const message of objectsOf(body.messages)) {
    const role = stringOf(message.role) as ViewRole;
    const content = message.content;
    if (typeof content === "string") {
      view.turns.push({ role, parts: [{ kind: "text", text: content }] });
      continue;
    }
    view.turns.push({ role, parts: objectsOf(content).flatMap(blockParts) });
  }
  for (const tool of objectsOf(body.tools)) {
    const name = stringOf(tool.name);
    if (name !== undefined) view.tools.push(name);
  }
  const choice = objectOf(body.tool_choice);
  if (choice !== undefined) {
    if (choice.type === "auto" || choice.type === "none") view.toolChoice = choice.type;
    else if (choice.type === "any") view.toolChoice = "required";
    else if (choice.type === "tool") view.toolChoice = { tool: stringOf(choice.name) ?? "" };
    if (choice.disable_parallel_tool_use === true) view.parallelToolCalls = false;
  }
  return view;
}
