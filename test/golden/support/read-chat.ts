import type { JsonObject, JsonValue } from "../../../src/core/model/json.js";
import { type ConversationView, emptyView, imageFromUrl, type ViewPart } from "./conversation-view.js";
import { argumentsValue, objectOf, objectsOf, stringOf } from "./json-access.js";

function texts(content: JsonValue | undefined): string[] {
  if (typeof content === "string") return content === "" ? [] : [content];
  return objectsOf(content).flatMap((part) => {
    const text = stringOf(part.text) ?? stringOf(part.refusal);
    return text === undefined ? [] : [text];
  });
}

function userParts(content: JsonValue | undefined): ViewPart[] {
  if (typeof content === "string") return [{ kind: "text", text: content }];
  return objectsOf(content).flatMap((part): ViewPart[] => {
    if (part.type === "text") return [{ kind: "text", text: stringOf(part.text) ?? "" }];
    const url = stringOf(objectOf(part.image_url)?.url);
    if (part.type === "image_url" && url !== undefined) return [{ kind: "image", image: imageFromUrl(url) }];
    return [];
  });
}

function assistantParts(message: JsonObject): ViewPart[] {
  const parts: ViewPart[] = [];
  const reasoning = stringOf(message.reasoning_content) ?? stringOf(message.reasoning);
  if (reasoning !== undefined && reasoning !== "") parts.push({ kind: "thinking", text: reasoning });
  for (const detail of objectsOf(message.reasoning_details)) {
    const signature = stringOf(detail.signature) ?? stringOf(detail.data);
    const part: ViewPart = { kind: "thinking", text: stringOf(detail.text) ?? "" };
    if (signature !== undefined) part.signature = signature;
    parts.push(part);
  }
  for (const text of texts(message.content)) parts.push({ kind: "text", text });
  for (const call of objectsOf(message.tool_calls)) {
    const fn = objectOf(call.function);
    const custom = objectOf(call.custom);
    parts.push({
      kind: "call",
      id: stringOf(call.id),
      name: stringOf(fn?.name) ?? stringOf(custom?.name) ?? "",
      args: custom === undefined ? argumentsValue(stringOf(fn?.arguments)) : stringOf(custom.input),
    });
  }
  return parts;
}

/** Chat Completions `messages`: the leading system/developer run is the system prompt. */
export function readChatConversation(body: JsonObject): ConversationView {
  const view = emptyView();
  const messages = objectsOf(body.messages);
  let start = 0;
  while (
    start < messages.length &&
    (messages[start]?.role === "system" || messages[start]?.role === "developer")
  ) {
    view.system.push(...texts(messages[start]?.content));
    start++;
  }
  for (const message of messages.slice(start)) {
    switch (message.role) {
      case "system":
      case "developer":
        view.turns.push({
          role: "system",
          parts: texts(message.content).map((text) => ({ kind: "text", text })),
        });
        break;
      case "user":
        view.turns.push({ role: "user", parts: userParts(message.content) });
        break;
      case "assistant":
        view.turns.push({ role: "assistant", parts: assistantParts(message) });
        break;
      case "tool":
        view.turns.push({
          role: "tool",
          parts: [
            {
              kind: "result",
              id: stringOf(message.tool_call_id),
              name: undefined,
              text: texts(message.content).join("\n"),
              isError: false,
            },
          ],
        });
        break;
      default:
        throw new Error(`chat message with role ${String(message.role)}`);
    }
  }
  for (const tool of objectsOf(body.tools)) {
    const name = stringOf(objectOf(tool.function)?.name) ?? stringOf(objectOf(tool.custom)?.name);
    if (name !== undefined) view.tools.push(name);
  }
  const choice = body.tool_choice;
  if (choice === "auto" || choice === "none" || choice === "required") view.toolChoice = choice;
  else if (objectOf(choice) !== undefined) {
    const named = objectOf(objectOf(choice)?.function) ?? objectOf(objectOf(choice)?.custom);
    view.toolChoice = { tool: stringOf(named?.name) ?? "" };
  }
  if (body.parallel_tool_calls === false) view.parallelToolCalls = false;
  return view;
}
