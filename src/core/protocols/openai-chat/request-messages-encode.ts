import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";
import type {
  FilePart,
  ImagePart,
  Message,
  Part,
  TextPart,
  ThinkingPart,
  ToolCallPart,
  ToolResultPart,
} from "../../model/parts.js";
import { assertNever } from "../../model/protocol.js";
import type { Warning } from "../../model/warnings.js";
import { toDataUrl } from "./media.js";
import { encodeReasoningDetail } from "./reasoning-details.js";
import { sanitizeToolCallId } from "./tool-id.js";
import { warnOnce } from "./warnings.js";

function isBlank(text: string): boolean {
  return text.trim() === "";
}

function joinTexts(parts: readonly Part[]): string {
  const texts: string[] = [];
  for (const part of parts) if (part.type === "text" && !isBlank(part.text)) texts.push(part.text);
  return texts.join("\n\n");
}

function encodeImage(part: ImagePart, warnings: Warning[]): JsonObject | undefined {
  const source = part.source;
  let url: string;
  switch (source.kind) {
    case "url":
      url = source.url;
      break;
    case "base64":
      url = toDataUrl(source.mediaType, source.data);
      break;
    case "file-id":
      warnOnce(warnings, "image_dropped", "an image given by file id cannot be sent to Chat Completions");
      return undefined;
    default:
      return assertNever(source, "image source");
  }
  const image: JsonObject = { url };
  if (part.detail !== undefined) image.detail = part.detail;
  return { type: "image_url", image_url: image };
}

function encodeFile(part: FilePart, warnings: Warning[]): JsonObject | undefined {
  const source = part.source;
  const file: JsonObject = {};
  switch (source.kind) {
    case "base64":
      file.file_data = toDataUrl(source.mediaType, source.data);
      break;
    case "file-id":
      file.file_id = source.fileId;
      break;
    case "url":
      warnOnce(warnings, "file_dropped", "a file given by URL cannot be sent to Chat Completions");
      return undefined;
    default:
      return assertNever(source, "file source");
  }
  if (part.filename !== undefined) file.filename = part.filename;
  return { type: "file", file };
}

/** User-visible content parts (text, images, files) in Chat's content-part shape. */
function encodeContentParts(parts: readonly Part[], warnings: Warning[], where: string): JsonObject[] {
  const encoded: JsonObject[] = [];
  for (const part of parts) {
    let wire: JsonObject | undefined;
    switch (part.type) {
      case "text":
        if (!isBlank(part.text)) wire = { type: "text", text: part.text };
        break;
      case "image":
        wire = encodeImage(part, warnings);
        break;
      case "file":
        wire = encodeFile(part, warnings);
        break;
      case "thinking":
      case "tool-call":
      case "tool-result":
        warnTextOnly(warnings, part, where);
        break;
      default:
        assertNever(part, "content part");
    }
    if (wire !== undefined) encoded.push(wire);
  }
  return encoded;
}

/** Chat system, developer and assistant messages carry only text (and, for assistants, calls). */
function warnTextOnly(warnings: Warning[], part: Part, role: string): void {
  warnOnce(warnings, "part_dropped", `a ${part.type} part in a ${role} message has no place in Chat`);
}

/** One text part travels as a plain string (what every compatible server accepts). */
function contentValue(parts: JsonObject[]): JsonValue {
  const only = parts[0];
  if (parts.length === 1 && only?.type === "text" && typeof only.text === "string") return only.text;
  return parts;
}

function encodeToolCall(part: ToolCallPart, warnings: Warning[]): JsonObject {
  if (part.signature !== undefined) {
    warnOnce(
      warnings,
      "tool_call_signature_dropped",
      `a tool call signature issued by ${part.signature.origin} cannot be sent to Chat Completions; dropped`,
    );
  }
  const id = sanitizeToolCallId(part.id);
  if (part.kind === "custom")
    return { id, type: "custom", custom: { name: part.name, input: part.arguments } };
  const args = part.arguments === "" ? "{}" : part.arguments;
  return { id, type: "function", function: { name: part.name, arguments: args } };
}

function encodeThinking(parts: readonly ThinkingPart[], message: JsonObject, warnings: Warning[]): void {
  const texts: string[] = [];
  const details: JsonObject[] = [];
  for (const part of parts) {
    const detail = encodeReasoningDetail(part);
    if (detail !== undefined) details.push(detail);
    else if (part.signature === undefined && part.redactedData === undefined) {
      if (!isBlank(part.text)) texts.push(part.text);
    } else {
      warnOnce(
        warnings,
        "thinking_dropped",
        "signed or redacted reasoning from another protocol cannot be sent to Chat Completions and was dropped",
      );
    }
  }
  if (texts.length > 0) message.reasoning_content = texts.join("\n\n");
  if (details.length > 0) message.reasoning_details = details;
}

function encodeAssistant(message: Message, warnings: Warning[]): JsonObject | undefined {
  const thinking: ThinkingPart[] = [];
  const calls: JsonObject[] = [];
  for (const part of message.content) {
    if (part.type === "thinking") thinking.push(part);
    else if (part.type === "tool-call") calls.push(encodeToolCall(part, warnings));
    else if (part.type !== "text") warnTextOnly(warnings, part, "assistant");
  }
  const text = joinTexts(message.content);
  const wire: JsonObject = { role: "assistant", content: text === "" && calls.length > 0 ? null : text };
  encodeThinking(thinking, wire, warnings);
  if (calls.length > 0) wire.tool_calls = calls;
  const empty = text === "" && calls.length === 0 && wire.reasoning_content === undefined;
  return empty && wire.reasoning_details === undefined ? undefined : wire;
}

interface ToolTurn {
  tools: JsonObject[];
  /** Images and files of tool results: tool messages carry only text, so they follow as a user message. */
  attachments: JsonObject[];
}

function encodeToolResult(part: ToolResultPart, turn: ToolTurn, warnings: Warning[]): void {
  const texts: TextPart[] = [];
  const media: Part[] = [];
  for (const item of part.content) {
    if (item.type === "text") {
      if (!isBlank(item.text)) texts.push(item);
    } else media.push(item);
  }
  const id = sanitizeToolCallId(part.callId);
  const content = texts.map((item): JsonObject => ({ type: "text", text: item.text }));
  turn.tools.push({
    role: "tool",
    tool_call_id: id,
    content: content.length === 0 ? "" : contentValue(content),
  });
  if (part.isError === true) {
    warnOnce(warnings, "tool_error_flag_dropped", "Chat tool messages cannot mark a result as an error");
  }
  const attachments = encodeContentParts(media, warnings, "tool");
  if (attachments.length > 0) {
    warnOnce(
      warnings,
      "tool_result_media_moved",
      "images/files of tool results were moved into a user message after the tool messages",
    );
    turn.attachments.push({ type: "text", text: `Attachments of tool result ${id}:` }, ...attachments);
  }
}

function applyMessageExtensions(wire: JsonObject, message: Message): JsonObject {
  const extra = message.extensions?.["openai-chat"];
  if (isJsonObject(extra)) {
    for (const [key, value] of Object.entries(extra)) if (!(key in wire)) wire[key] = value;
  }
  return wire;
}

function hasCacheControl(parts: readonly Part[]): boolean {
  return parts.some((part) => part.type !== "thinking" && part.cacheControl !== undefined);
}

/** The canonical system prompt and conversation as Chat `messages`. */
export function encodeChatMessages(
  system: readonly TextPart[],
  messages: readonly Message[],
  warnings: Warning[],
): JsonObject[] {
  const wire: JsonObject[] = [];
  const systemText = joinTexts(system);
  if (systemText !== "") wire.push({ role: "system", content: systemText });
  let cacheControl = hasCacheControl(system);
  let turn: ToolTurn = { tools: [], attachments: [] };
  const flushTools = (): void => {
    wire.push(...turn.tools);
    if (turn.attachments.length > 0) wire.push({ role: "user", content: turn.attachments });
    turn = { tools: [], attachments: [] };
  };
  for (const message of messages) {
    cacheControl ||= hasCacheControl(message.content);
    const results = message.content.filter((part): part is ToolResultPart => part.type === "tool-result");
    const rest =
      results.length === 0 ? message.content : message.content.filter((p) => p.type !== "tool-result");
    for (const result of results) encodeToolResult(result, turn, warnings);
    if (message.role === "tool") {
      const last = turn.tools[turn.tools.length - 1];
      if (results.length === 1 && last !== undefined) applyMessageExtensions(last, message);
      if (rest.length > 0) turn.attachments.push(...encodeContentParts(rest, warnings, "tool"));
      continue;
    }
    flushTools();
    let encoded: JsonObject | undefined;
    switch (message.role) {
      case "system":
      case "developer": {
        const text = joinTexts(rest);
        for (const part of rest) if (part.type !== "text") warnTextOnly(warnings, part, message.role);
        if (text !== "") encoded = { role: message.role, content: text };
        break;
      }
      case "user": {
        const parts = encodeContentParts(rest, warnings, "user");
        if (parts.length > 0) encoded = { role: "user", content: contentValue(parts) };
        break;
      }
      case "assistant":
        encoded = encodeAssistant({ ...message, content: rest }, warnings);
        break;
      default:
        assertNever(message.role, "message role");
    }
    if (encoded !== undefined) wire.push(applyMessageExtensions(encoded, message));
  }
  flushTools();
  if (cacheControl) {
    warnOnce(
      warnings,
      "cache_control_dropped",
      "cache_control breakpoints have no Chat equivalent (caching is automatic)",
    );
  }
  return wire;
}
