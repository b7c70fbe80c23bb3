import { isJsonObject, type JsonObject } from "../../model/json.js";
import type { Message, Part, ToolResultPart } from "../../model/parts.js";
import type { CanonicalRequest } from "../../model/request.js";
import { systemForNonAnthropic } from "../shared/system-prompt.js";
import { isGemini3OrLater, requiresCallSignature } from "./models.js";
import { encodeMedia, encodeModelParts, encodeUserParts, toolResponseObject } from "./parts-encode.js";
import { PLACEHOLDER_SIGNATURE } from "./signatures.js";
import type { WarningSink } from "./warnings.js";

/** How a system message later in the conversation reaches Gemini, which has no system role there. */
export const MID_CONVERSATION_SYSTEM_PREFIX = "System: ";
/** The user turn put before a history that would otherwise open with a model function call. */
export const OPENING_USER_TEXT = "Continue.";

export interface EncodedContents {
  contents: JsonObject[];
  systemInstruction?: JsonObject;
}

function isSystemRole(message: Message): boolean {
  return message.role === "system" || message.role === "developer";
}

/** Call id -> function name, from every tool call in the history (Gemini matches results by name). */
function collectCallNames(messages: readonly Message[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    for (const part of message.content) if (part.type === "tool-call") names.set(part.id, part.name);
  }
  return names;
}

/**
 * Canonical system prompt and messages -> Gemini `systemInstruction` and `contents`.
 * - Only the leading run of system content becomes `systemInstruction`; later system
 *   messages become user text (prefixed), never lost.
 * - Roles are only `user` and `model`; all results of one model turn's calls go in one
 *   user turn of functionResponse parts, never merged with a human turn. Human content that
 *   arrives while calls are unanswered waits until their results are in.
 * - The history never opens with a model function call.
 */
export function encodeContents(
  request: CanonicalRequest,
  model: string,
  warnings: WarningSink,
): EncodedContents {
  const messages = request.messages;
  const systemParts = encodeUserParts(systemForNonAnthropic(request.system), warnings);
  let start = 0;
  while (start < messages.length && isSystemRole(messages[start]!)) {
    systemParts.push(...encodeUserParts(messages[start]!.content, warnings));
    start++;
  }
  const callNames = collectCallNames(messages);
  const nestedMedia = isGemini3OrLater(model);
  const placeholder = requiresCallSignature(model) ? PLACEHOLDER_SIGNATURE : undefined;

  const contents: JsonObject[] = [];
  /** Parts of the current functionResponse turn, while results may still join it. */
  let responseTurn: JsonObject[] | undefined;
  /** Ids of the last model turn's calls still waiting for a result. */
  const pending = new Set<string>();
  let deferred: JsonObject[][] = [];

  const responseParts = (): JsonObject[] => {
    if (responseTurn === undefined) {
      responseTurn = [];
      contents.push({ role: "user", parts: responseTurn });
    }
    return responseTurn;
  };

  const addResult = (result: ToolResultPart): void => {
    let name = result.name ?? callNames.get(result.callId);
    if (name === undefined) {
      warnings.add(
        "gemini_tool_result_unnamed",
        `tool result ${result.callId} matches no call; sent as "unknown_function"`,
      );
      name = "unknown_function";
    }
    const texts = result.content.filter((item) => item.type === "text").map((item) => item.text);
    const functionResponse: JsonObject = {
      id: result.callId,
      name,
      response: toolResponseObject(texts.length > 0 ? texts.join("\n") : undefined, result.isError === true),
    };
    const media: JsonObject[] = [];
    for (const item of result.content) {
      if (item.type === "text") continue;
      const encoded = encodeMedia(
        item.source,
        item.type === "image" ? "image/jpeg" : "application/octet-stream",
        warnings,
      );
      if (encoded !== undefined) media.push(encoded);
    }
    const parts = responseParts();
    if (media.length > 0 && nestedMedia) functionResponse.parts = media;
    parts.push({ functionResponse });
    if (media.length > 0 && !nestedMedia) parts.push(...media);
    pending.delete(result.callId);
  };

  /**
   * The conversation moves past the last model turn: release the human turns that waited
   * for its results. (Gemini accepts a call left without a result, as recorded js-genai chats show.)
   */
  const settle = (): void => {
    pending.clear();
    responseTurn = undefined;
    for (const parts of deferred) contents.push({ role: "user", parts });
    deferred = [];
  };

  for (const message of messages.slice(start)) {
    if (message.role === "assistant") {
      settle();
      const parts = encodeModelParts(
        message.content,
        warnings,
        placeholder === undefined ? {} : { placeholderSignature: placeholder },
      );
      if (parts.length === 0) continue;
      contents.push({ role: "model", parts });
      for (const part of message.content) if (part.type === "tool-call") pending.add(part.id);
      continue;
    }
    const human: Part[] = [];
    for (const part of message.content) {
      if (part.type === "tool-result") addResult(part);
      else human.push(part);
    }
    const system = isSystemRole(message);
    if (system && human.length > 0) {
      warnings.add(
        "gemini_system_message_as_user",
        "a system message after the conversation start was sent as user text",
      );
    }
    const parts = encodeUserParts(human, warnings, system ? MID_CONVERSATION_SYSTEM_PREFIX : "");
    if (parts.length === 0) continue;
    if (pending.size > 0) deferred.push(parts);
    else {
      responseTurn = undefined;
      contents.push({ role: "user", parts });
    }
  }
  if (deferred.length > 0) settle();

  const first = contents[0];
  if (
    first?.role === "model" &&
    Array.isArray(first.parts) &&
    first.parts.some((part) => isJsonObject(part) && part.functionCall !== undefined)
  ) {
    warnings.add(
      "gemini_opening_user_turn",
      "the history opened with a model function call; a user turn was put first",
    );
    contents.unshift({ role: "user", parts: [{ text: OPENING_USER_TEXT }] });
  }
  const out: EncodedContents = { contents };
  if (systemParts.length > 0) out.systemInstruction = { parts: systemParts };
  return out;
}
