import type { JsonObject, JsonValue } from "../../model/json.js";
import type {
  Message,
  Part,
  TextPart,
  ToolCallPart,
  ToolResultContent,
  ToolResultPart,
} from "../../model/parts.js";
import { assertNever, type CoreContext } from "../../model/protocol.js";
import type { Warning } from "../../model/warnings.js";
import { decodeFileData, decodeImageUrl } from "./media.js";
import { decodeThinkingParts } from "./reasoning-details.js";
import type { ChatMessage, ChatUserPart } from "./schema.js";
import { decodeToolCall } from "./tool-calls.js";

/** Message fields the decoder maps; others are kept in `message.extensions["openai-chat"]`. */
const MAPPED_MESSAGE_FIELDS: ReadonlySet<string> = new Set([
  "role",
  "content",
  "tool_calls",
  "function_call",
  "tool_call_id",
  "reasoning_content",
  "reasoning",
  "reasoning_details",
  "refusal",
]);

interface DecodeState {
  context: CoreContext;
  warnings: Warning[];
  /** Function name of every call seen so far, by id, so tool results can carry it. */
  callNames: Map<string, string>;
  /** Legacy `function_call`s (no ids) waiting for their `function` result, by name. */
  pendingFunctionIds: Map<string, string[]>;
}

export interface DecodedMessages {
  system: TextPart[];
  messages: Message[];
}

function textParts(content: string | readonly { text: string }[]): TextPart[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  return content.map((part) => ({ type: "text", text: part.text }));
}

function messageExtensions(message: ChatMessage): JsonObject | undefined {
  let extra: JsonObject | undefined;
  for (const [key, value] of Object.entries(message)) {
    if (MAPPED_MESSAGE_FIELDS.has(key) || value === undefined) continue;
    extra ??= {};
    extra[key] = value as JsonValue;
  }
  return extra === undefined ? undefined : { "openai-chat": extra };
}

function withExtensions(message: Message, source: ChatMessage): Message {
  const extensions = messageExtensions(source);
  if (extensions !== undefined) message.extensions = extensions;
  return message;
}

function decodeUserPart(part: ChatUserPart, state: DecodeState, path: string): Part | undefined {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image_url": {
      const image: Part = { type: "image", source: decodeImageUrl(part.image_url.url) };
      if (part.image_url.detail != null) image.detail = part.image_url.detail;
      return image;
    }
    case "input_audio":
      state.warnings.push({
        code: "audio_dropped",
        message: `${path}: input_audio has no canonical form and was dropped`,
      });
      return undefined;
    case "file": {
      const { file_data: data, file_id: fileId, filename } = part.file;
      const name = filename ?? undefined;
      let file: Part;
      if (data != null) file = { type: "file", source: decodeFileData(data, name) };
      else if (fileId != null) file = { type: "file", source: { kind: "file-id", fileId } };
      else {
        state.warnings.push({ code: "file_dropped", message: `${path}: file part without data or id` });
        return undefined;
      }
      if (name !== undefined) file.filename = name;
      return file;
    }
    default:
      return assertNever(part, "user content part");
  }
}

function decodeAssistant(message: Extract<ChatMessage, { role: "assistant" }>, state: DecodeState): Message {
  const plain = message.reasoning_content || message.reasoning || undefined;
  const content: Part[] = decodeThinkingParts(plain, message.reasoning_details ?? undefined);
  const body = message.content;
  if (typeof body === "string") content.push(...textParts(body));
  else if (Array.isArray(body)) {
    for (const part of body) {
      content.push({ type: "text", text: part.type === "text" ? part.text : part.refusal });
    }
  }
  if (message.refusal != null && message.refusal !== "")
    content.push({ type: "text", text: message.refusal });
  for (const call of message.tool_calls ?? []) {
    for (const part of decodeToolCall(call, state.context)) {
      state.callNames.set(part.id, part.name);
      content.push(part);
    }
  }
  const legacy = message.function_call;
  if (legacy != null) {
    const id = state.context.newId("call_");
    const part: ToolCallPart = {
      type: "tool-call",
      id,
      name: legacy.name,
      arguments: legacy.arguments || "{}",
    };
    content.push(part);
    const queue = state.pendingFunctionIds.get(legacy.name) ?? [];
    queue.push(id);
    state.pendingFunctionIds.set(legacy.name, queue);
  }
  return withExtensions({ role: "assistant", content }, message);
}

function toolResult(callId: string, name: string | undefined, content: ToolResultContent[]): ToolResultPart {
  const part: ToolResultPart = { type: "tool-result", callId, content };
  if (name !== undefined) part.name = name;
  return part;
}

function decodeMessage(message: ChatMessage, index: number, state: DecodeState): Message {
  switch (message.role) {
    case "system":
    case "developer":
      return withExtensions({ role: message.role, content: textParts(message.content) }, message);
    case "user": {
      const content: Part[] = [];
      if (typeof message.content === "string") content.push(...textParts(message.content));
      else {
        message.content.forEach((part, partIndex) => {
          const decoded = decodeUserPart(part, state, `messages[${index}].content[${partIndex}]`);
          if (decoded !== undefined) content.push(decoded);
        });
      }
      return withExtensions({ role: "user", content }, message);
    }
    case "assistant":
      return decodeAssistant(message, state);
    case "tool": {
      const id = message.tool_call_id;
      const result = toolResult(id, state.callNames.get(id), textParts(message.content));
      return withExtensions({ role: "tool", content: [result] }, message);
    }
    case "function": {
      const queue = state.pendingFunctionIds.get(message.name);
      const id = queue?.shift() ?? state.context.newId("call_");
      const result = toolResult(id, message.name, textParts(message.content ?? ""));
      return { role: "tool", content: [result] };
    }
    default:
      return assertNever(message, "message role");
  }
}

/** Chat messages -> the leading system prompt and the canonical conversation. */
export function decodeChatMessages(
  wire: readonly ChatMessage[],
  context: CoreContext,
  warnings: Warning[],
): DecodedMessages {
  const state: DecodeState = { context, warnings, callNames: new Map(), pendingFunctionIds: new Map() };
  const system: TextPart[] = [];
  let start = 0;
  while (start < wire.length) {
    const message = wire[start]!;
    if (message.role !== "system" && message.role !== "developer") break;
    system.push(...textParts(message.content));
    start++;
  }
  const messages: Message[] = [];
  for (let index = start; index < wire.length; index++) {
    messages.push(decodeMessage(wire[index]!, index, state));
  }
  return { system, messages };
}
