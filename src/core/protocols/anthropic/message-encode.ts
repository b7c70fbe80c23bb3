import { safeParseJson } from "../../json/safe-parse.js";
import { isJsonObject, type JsonObject } from "../../model/json.js";
import type { Message, Part, ThinkingPart, ToolCallPart, ToolResultPart } from "../../model/parts.js";
import { assertNever } from "../../model/protocol.js";
import { encodeCacheControl, encodeFile, encodeImage } from "./media.js";
import { type AnthropicMessageExtension, messageExtension } from "./message-decode.js";
import { sanitizeAnthropicToolId } from "./tool-id.js";
import type { WarningSink } from "./warnings.js";

export type AnthropicRole = "user" | "assistant" | "system";

/** One Anthropic message being built: its role and content blocks. */
export interface Turn {
  role: AnthropicRole;
  blocks: JsonObject[];
}

const MISSING_RESULT = "No result was provided for this tool call.";

function isBlank(text: string): boolean {
  return text.trim() === "";
}

function encodeThinking(part: ThinkingPart, warnings: WarningSink): JsonObject | undefined {
  const origin = part.signature?.origin;
  if (part.redactedData !== undefined && (origin === undefined || origin === "anthropic")) {
    return { type: "redacted_thinking", data: part.redactedData };
  }
  if (origin === "anthropic" && part.signature !== undefined) {
    return { type: "thinking", thinking: part.text, signature: part.signature.value };
  }
  warnings.add(
    "thinking_dropped",
    origin === undefined
      ? "thinking without an Anthropic signature cannot be replayed to Anthropic; dropped"
      : `thinking signed by ${origin} cannot be replayed to Anthropic; dropped`,
  );
  return undefined;
}

function encodeToolCall(part: ToolCallPart, warnings: WarningSink): JsonObject {
  if (part.signature !== undefined) {
    warnings.add(
      "tool_call_signature_dropped",
      `a tool call signature issued by ${part.signature.origin} cannot be sent to Anthropic; dropped`,
    );
  }
  let input: JsonObject = {};
  if (part.kind === "custom") {
    input = { input: part.arguments };
  } else if (part.arguments.trim() !== "") {
    const parsed = safeParseJson(part.arguments);
    if (parsed.ok && isJsonObject(parsed.value)) input = parsed.value;
    else
      warnings.add(
        "tool_arguments_invalid",
        `arguments of tool call ${part.id} are not a JSON object; sent as {}`,
      );
  }
  const block: JsonObject = {
    type: "tool_use",
    id: sanitizeAnthropicToolId(part.id),
    name: part.name,
    input,
  };
  if (part.cacheControl !== undefined) block.cache_control = encodeCacheControl(part.cacheControl);
  return block;
}

function encodeToolResult(
  part: ToolResultPart,
  extension: AnthropicMessageExtension | undefined,
  warnings: WarningSink,
): JsonObject {
  const block: JsonObject = { type: "tool_result", tool_use_id: sanitizeAnthropicToolId(part.callId) };
  const raw = extension?.toolResultContent?.[part.callId];
  if (raw !== undefined) {
    block.content = raw;
  } else {
    const content: JsonObject[] = [];
    for (const inner of part.content) {
      if (inner.type === "text") {
        if (isBlank(inner.text)) continue;
        const text: JsonObject = { type: "text", text: inner.text };
        if (inner.cacheControl !== undefined) text.cache_control = encodeCacheControl(inner.cacheControl);
        content.push(text);
      } else if (inner.type === "image") {
        content.push(encodeImage(inner, warnings));
      } else {
        content.push(encodeFile(inner, warnings));
      }
    }
    const only = content[0];
    if (content.length === 1 && only?.type === "text" && only.cache_control === undefined)
      block.content = only.text!;
    else if (content.length > 0) block.content = content;
  }
  if (part.isError === true) block.is_error = true;
  if (part.cacheControl !== undefined) block.cache_control = encodeCacheControl(part.cacheControl);
  return block;
}

function encodePart(
  part: Part,
  role: AnthropicRole,
  extension: AnthropicMessageExtension | undefined,
  warnings: WarningSink,
): JsonObject | undefined {
  switch (part.type) {
    case "text": {
      if (isBlank(part.text)) return undefined;
      const block: JsonObject = { type: "text", text: part.text };
      if (part.cacheControl !== undefined) block.cache_control = encodeCacheControl(part.cacheControl);
      return block;
    }
    case "image":
      if (role === "user") return encodeImage(part, warnings);
      warnings.add("image_dropped", `images in ${role} messages are not accepted by Anthropic; dropped`);
      return undefined;
    case "file":
      if (role === "user") return encodeFile(part, warnings);
      warnings.add("file_dropped", `files in ${role} messages are not accepted by Anthropic; dropped`);
      return undefined;
    case "thinking":
      if (role === "assistant") return encodeThinking(part, warnings);
      warnings.add("thinking_dropped", `thinking in a ${role} message cannot be sent to Anthropic; dropped`);
      return undefined;
    case "tool-call":
      if (role === "assistant") return encodeToolCall(part, warnings);
      warnings.add(
        "tool_call_dropped",
        `a tool call in a ${role} message cannot be sent to Anthropic; dropped`,
      );
      return undefined;
    case "tool-result":
      return encodeToolResult(part, extension, warnings);
    default:
      return assertNever(part, "part");
  }
}

function anthropicRole(message: Message): AnthropicRole {
  switch (message.role) {
    case "system":
    case "developer":
      return "system";
    case "user":
    case "tool":
      return "user";
    case "assistant":
      return "assistant";
    default:
      return assertNever(message.role, "role");
  }
}

/**
 * One canonical message as turns; raw Anthropic blocks from its extension go back in place. Tool
 * results always travel in a user turn: outside a user or tool message they get a turn of their own.
 */
function encodeMessageTurns(message: Message, warnings: WarningSink): Turn[] {
  const role = anthropicRole(message);
  const extension = messageExtension(message);
  const raw = extension?.blocks ?? [];
  const blocks: JsonObject[] = [];
  const results: JsonObject[] = [];
  let next = 0;
  message.content.forEach((part, index) => {
    while (next < raw.length && raw[next]!.at <= index) blocks.push(raw[next++]!.block);
    const block = encodePart(part, role, extension, warnings);
    if (block === undefined) return;
    if (block.type === "tool_result" && role !== "user") results.push(block);
    else blocks.push(block);
  });
  while (next < raw.length) blocks.push(raw[next++]!.block);
  const turns: Turn[] = [];
  if (blocks.length > 0) turns.push({ role, blocks });
  if (results.length > 0) turns.push({ role: "user", blocks: results });
  return turns;
}

function hasBlock(turn: Turn, type: string): boolean {
  return turn.blocks.some((block) => block.type === type);
}

/**
 * Turns that must travel as one message are merged: tool results with the user turns next to
 * them (results first, the human text after), and an assistant turn with tool calls with the
 * assistant turn that follows it. Other consecutive turns of one role stay apart (Anthropic
 * accepts them), so a same-protocol round trip keeps its shape.
 */
function mergeTurns(turns: Turn[]): Turn[] {
  const merged: Turn[] = [];
  for (const turn of turns) {
    const last = merged[merged.length - 1];
    const joins =
      last !== undefined &&
      last.role === turn.role &&
      ((turn.role === "user" && (hasBlock(last, "tool_result") || hasBlock(turn, "tool_result"))) ||
        (turn.role === "assistant" && hasBlock(last, "tool_use")));
    if (joins) last.blocks.push(...turn.blocks);
    else merged.push({ role: turn.role, blocks: [...turn.blocks] });
  }
  for (const turn of merged) {
    if (turn.role !== "user") continue;
    const results = turn.blocks.filter((block) => block.type === "tool_result");
    if (results.length > 0 && results.length < turn.blocks.length) {
      turn.blocks = [...results, ...turn.blocks.filter((block) => block.type !== "tool_result")];
    }
  }
  return merged;
}

/** A tool result with no matching call, as plain content the model can still read. */
function orphanAsContent(block: JsonObject): JsonObject[] {
  const label = `[Result of tool call ${String(block.tool_use_id)}${block.is_error === true ? " (error)" : ""}]`;
  const content = block.content;
  if (typeof content === "string") return [{ type: "text", text: `${label}\n${content}` }];
  const blocks: JsonObject[] = [{ type: "text", text: label }];
  if (Array.isArray(content)) for (const inner of content) if (isJsonObject(inner)) blocks.push(inner);
  return blocks;
}

function toolUseIds(turn: Turn): string[] {
  const ids: string[] = [];
  for (const block of turn.blocks)
    if (block.type === "tool_use" && typeof block.id === "string") ids.push(block.id);
  return ids;
}

function missingResults(ids: string[], warnings: WarningSink): JsonObject[] {
  return ids.map((id) => {
    warnings.add("tool_result_missing", `tool call ${id} has no result; an error result was added`);
    return { type: "tool_result", tool_use_id: id, content: MISSING_RESULT, is_error: true };
  });
}

/** The user turn that answers `expected`: matched results first, then the rest of the turn. */
function answerTurn(turn: Turn, expected: string[], warnings: WarningSink): Turn {
  const answered = new Set<string>();
  const results: JsonObject[] = [];
  const rest: JsonObject[] = [];
  for (const block of turn.blocks) {
    if (block.type !== "tool_result") {
      rest.push(block);
      continue;
    }
    const id = String(block.tool_use_id);
    if (!expected.includes(id)) {
      warnings.add("tool_result_orphaned", `tool result ${id} answers no preceding tool call; sent as text`);
      rest.push(...orphanAsContent(block));
    } else if (answered.has(id)) {
      warnings.add("tool_result_duplicate", `tool call ${id} has more than one result; extra dropped`);
    } else {
      answered.add(id);
      results.push(block);
    }
  }
  const missing = missingResults(
    expected.filter((id) => !answered.has(id)),
    warnings,
  );
  return { role: "user", blocks: [...results, ...missing, ...rest] };
}

/**
 * Anthropic's tool contract: every tool_use is answered by exactly one tool_result in the very
 * next user message, and no tool_result answers anything else. Missing results are filled with
 * an error result, duplicates dropped, and stray results turned into text, each with a warning.
 * A system turn between a call and its results moves after the results.
 */
function pairToolResults(turns: Turn[], warnings: WarningSink): Turn[] {
  const paired: Turn[] = [];
  let expected: string[] = [];
  let deferred: Turn[] = [];
  const settle = (): void => {
    if (expected.length > 0) paired.push({ role: "user", blocks: missingResults(expected, warnings) });
    paired.push(...deferred);
    expected = [];
    deferred = [];
  };
  for (const turn of turns) {
    if (turn.role === "system" && expected.length > 0) {
      deferred.push(turn);
    } else if (turn.role === "user") {
      paired.push(answerTurn(turn, expected, warnings));
      paired.push(...deferred);
      expected = [];
      deferred = [];
    } else {
      settle();
      paired.push(turn);
      if (turn.role === "assistant") expected = toolUseIds(turn);
    }
  }
  settle();
  return paired;
}

/**
 * Canonical history as Anthropic turns: roles mapped (tool -> user, developer -> system), empty
 * turns dropped (Anthropic rejects empty content), tool turns merged, tool calls and results
 * paired, and a final assistant prefill stripped of trailing whitespace (also rejected).
 */
export function encodeTurns(messages: Message[], warnings: WarningSink): Turn[] {
  const turns: Turn[] = [];
  for (const message of messages) {
    const encoded = encodeMessageTurns(message, warnings);
    if (encoded.length > 0) turns.push(...encoded);
    else if (message.content.length > 0)
      warnings.add("message_dropped", `an empty ${message.role} message was dropped`);
  }
  const paired = pairToolResults(mergeTurns(turns), warnings);
  const last = paired[paired.length - 1];
  const tail = last?.role === "assistant" ? last.blocks[last.blocks.length - 1] : undefined;
  if (tail?.type === "text" && typeof tail.text === "string") tail.text = tail.text.trimEnd();
  return paired;
}

export function turnsToWire(turns: Turn[]): JsonObject[] {
  return turns.map((turn) => ({ role: turn.role, content: turn.blocks }));
}
