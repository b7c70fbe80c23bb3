import type { JsonObject } from "../../../src/core/model/json.js";
import { assertNever, type Protocol } from "../../../src/core/model/protocol.js";
import { readAnthropicConversation } from "./read-anthropic.js";
import { readChatConversation } from "./read-chat.js";
import { readGeminiConversation } from "./read-gemini.js";
import { readResponsesConversation } from "./read-responses.js";

/**
 * A protocol-neutral reading of a wire request body, written here independently of the
 * adapters, so a client request (the case input) and the encoded upstream request can be
 * compared for what must survive: texts, images, tool calls and their results.
 */

/** A base64 image (a `data:` URL is read into this form) or a URL. */
export type ImageView = { url: string } | { mediaType: string; data: string };

export type ViewPart =
  | { kind: "text"; text: string }
  | { kind: "image"; image: ImageView }
  | { kind: "thinking"; text: string; signature?: string }
  | { kind: "call"; id: string | undefined; name: string; args: unknown }
  | { kind: "result"; id: string | undefined; name: string | undefined; text: string; isError: boolean };

export type ViewRole = "system" | "user" | "assistant" | "tool";

export interface ViewTurn {
  role: ViewRole;
  parts: ViewPart[];
}

export type ToolChoiceView = "auto" | "none" | "required" | { tool: string };

export interface ConversationView {
  /** The leading system prompt (however the protocol carries it). */
  system: string[];
  turns: ViewTurn[];
  tools: string[];
  toolChoice?: ToolChoiceView;
  /** false when the body forbids parallel tool calls. */
  parallelToolCalls?: boolean;
}

export function emptyView(): ConversationView {
  return { system: [], turns: [], tools: [] };
}

/** `data:<type>;base64,<data>` as a base64 image; anything else stays a URL. */
export function imageFromUrl(url: string): ImageView {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (match?.[1] !== undefined && match[2] !== undefined) return { mediaType: match[1], data: match[2] };
  return { url };
}

export function readConversation(protocol: Protocol, body: JsonObject): ConversationView {
  switch (protocol) {
    case "openai-chat":
      return readChatConversation(body);
    case "openai-responses":
      return readResponsesConversation(body);
    case "anthropic":
      return readAnthropicConversation(body);
    case "gemini":
      return readGeminiConversation(body);
    default:
      return assertNever(protocol, "protocol");
  }
}

export function partsOf<K extends ViewPart["kind"]>(
  view: ConversationView,
  kind: K,
): (Extract<ViewPart, { kind: K }> & { role: ViewRole })[] {
  const found: (Extract<ViewPart, { kind: K }> & { role: ViewRole })[] = [];
  for (const turn of view.turns) {
    for (const part of turn.parts) {
      if (part.kind === kind) found.push({ ...(part as Extract<ViewPart, { kind: K }>), role: turn.role });
    }
  }
  return found;
}
