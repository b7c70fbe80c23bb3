import type { JsonObject } from "../../model/json.js";
import type {
  MediaSource,
  Message,
  Part,
  TextPart,
  ThinkingPart,
  ToolResultContent,
} from "../../model/parts.js";
import { assertNever } from "../../model/protocol.js";
import type { Warning } from "../../model/warnings.js";
import { PHASE_EXTENSION } from "./input-decode.js";
import { groupThinkingParts } from "./reasoning-items.js";
import { stringAt } from "./wire.js";

function isBlank(text: string): boolean {
  return text.trim() === "";
}

/** Counts of what could not be sent, reported once per request. */
interface Losses {
  thinking: number;
  toolCallSignatures: number;
  errorFlags: number;
  parts: string[];
}

function mediaUrl(source: MediaSource): string | undefined {
  if (source.kind === "url") return source.url;
  if (source.kind === "base64") return `data:${source.mediaType};base64,${source.data}`;
  return undefined;
}

/** A user-side content part as a Responses input part; undefined for blank text. */
function encodeInputPart(part: ToolResultContent): JsonObject | undefined {
  switch (part.type) {
    case "text":
      return isBlank(part.text) ? undefined : { type: "input_text", text: part.text };
    case "image": {
      const wire: JsonObject = { type: "input_image" };
      const url = mediaUrl(part.source);
      if (url !== undefined) wire.image_url = url;
      if (part.source.kind === "file-id") wire.file_id = part.source.fileId;
      if (part.detail !== undefined) wire.detail = part.detail;
      return wire;
    }
    case "file": {
      const wire: JsonObject = { type: "input_file" };
      if (part.source.kind === "base64") wire.file_data = mediaUrl(part.source) ?? "";
      else if (part.source.kind === "url") wire.file_url = part.source.url;
      else wire.file_id = part.source.fileId;
      if (part.filename !== undefined) wire.filename = part.filename;
      return wire;
    }
    default:
      return assertNever(part, "tool result content");
  }
}

function encodeToolOutput(content: readonly ToolResultContent[]): string | JsonObject[] {
  if (content.every((part) => part.type === "text")) {
    return (content as readonly TextPart[]).map((part) => part.text).join("\n");
  }
  const parts: JsonObject[] = [];
  for (const part of content) {
    const wire = encodeInputPart(part);
    if (wire !== undefined) parts.push(wire);
  }
  return parts;
}

function phaseOf(message: Message): string | undefined {
  const extension = message.extensions?.[PHASE_EXTENSION];
  return typeof extension === "object" && extension !== null && !Array.isArray(extension)
    ? stringAt(extension, "phase")
    : undefined;
}

function reasoningItem(group: readonly ThinkingPart[]): JsonObject | undefined {
  const last = group[group.length - 1];
  if (
    last?.signature?.origin !== "openai-responses" ||
    group.some((part) => part.redactedData !== undefined)
  ) {
    return undefined;
  }
  const item: JsonObject = { type: "reasoning" };
  if (last.itemId !== undefined) item.id = last.itemId;
  item.summary = group
    .filter((part) => !isBlank(part.text))
    .map((part) => ({ type: "summary_text", text: part.text }));
  item.encrypted_content = last.signature.value;
  return item;
}

/**
 * Canonical messages as Responses input items, in order: message items, reasoning items
 * (only this protocol's encrypted content), function/custom tool calls and their outputs.
 */
export function encodeInputItems(messages: readonly Message[], warnings: Warning[]): JsonObject[] {
  const items: JsonObject[] = [];
  const customCalls = new Set<string>();
  const losses: Losses = { thinking: 0, toolCallSignatures: 0, errorFlags: 0, parts: [] };

  messages.forEach((message, position) => {
    const role = message.role;
    let pending: JsonObject[] = [];
    const flush = (): void => {
      if (pending.length === 0) return;
      // System messages later in the conversation (Claude Code sends them) are developer messages.
      const wireRole = role === "tool" ? "user" : role === "system" ? "developer" : role;
      const item: JsonObject = { type: "message", role: wireRole, content: pending };
      const phase = role === "assistant" ? phaseOf(message) : undefined;
      if (phase !== undefined) item.phase = phase;
      items.push(item);
      pending = [];
    };
    const content = message.content;
    for (let index = 0; index < content.length; index++) {
      const part = content[index] as Part;
      switch (part.type) {
        case "text":
          if (isBlank(part.text)) break;
          pending.push(
            role === "assistant"
              ? { type: "output_text", text: part.text, annotations: [] }
              : { type: "input_text", text: part.text },
          );
          break;
        case "image":
        case "file": {
          if (role === "assistant") {
            losses.parts.push(`messages[${position}]: ${part.type} in an assistant message`);
            break;
          }
          const wire = encodeInputPart(part);
          if (wire !== undefined) pending.push(wire);
          break;
        }
        case "thinking": {
          flush();
          const group = groupThinkingParts(content, index);
          index += group.length - 1;
          const item = reasoningItem(group);
          if (item === undefined) losses.thinking += group.length;
          else items.push(item);
          break;
        }
        case "tool-call": {
          flush();
          if (part.signature !== undefined) losses.toolCallSignatures++;
          if (part.kind === "custom") {
            customCalls.add(part.id);
            items.push({
              type: "custom_tool_call",
              call_id: part.id,
              name: part.name,
              input: part.arguments,
            });
          } else {
            const args = part.arguments === "" ? "{}" : part.arguments;
            items.push({ type: "function_call", call_id: part.id, name: part.name, arguments: args });
          }
          break;
        }
        case "tool-result": {
          flush();
          if (part.isError === true) losses.errorFlags++;
          const type = customCalls.has(part.callId) ? "custom_tool_call_output" : "function_call_output";
          items.push({ type, call_id: part.callId, output: encodeToolOutput(part.content) });
          break;
        }
        default:
          assertNever(part, "part");
      }
    }
    flush();
  });
  reportLosses(losses, warnings);
  return items;
}

function reportLosses(losses: Losses, warnings: Warning[]): void {
  if (losses.thinking > 0) {
    warnings.push({
      code: "reasoning_dropped",
      message: `${losses.thinking} thinking part(s) without OpenAI encrypted content cannot be replayed to a Responses upstream; dropped`,
    });
  }
  if (losses.toolCallSignatures > 0) {
    warnings.push({
      code: "tool_call_signature_dropped",
      message: `${losses.toolCallSignatures} tool call signature(s) of another protocol dropped`,
    });
  }
  if (losses.errorFlags > 0) {
    warnings.push({
      code: "tool_error_flag_dropped",
      message: `${losses.errorFlags} tool result(s) marked as errors: Responses has no error flag; sent as plain output`,
    });
  }
  for (const part of losses.parts) {
    warnings.push({
      code: "content_part_dropped",
      message: `${part} is not supported by Responses; dropped`,
    });
  }
}
