import { safeParseJson } from "../../json/safe-parse.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";
import type { Signature, ThinkingPart } from "../../model/parts.js";

/**
 * Reasoning as OpenAI-compatible servers carry it: `reasoning_content` (DeepSeek, xAI, vLLM) or
 * `reasoning` (OpenRouter) as plain text, and OpenRouter's `reasoning_details` array, whose
 * `reasoning.encrypted` items and signed `reasoning.text` items must go back to OpenRouter
 * verbatim. Those become signatures with origin "openai-chat" holding the item as JSON text.
 */

/** The plain reasoning text of a message or a stream delta, when there is some. */
export function readReasoningText(source: JsonObject): string | undefined {
  const content = source.reasoning_content;
  const reasoning = source.reasoning;
  if (typeof content === "string" && (content !== "" || typeof reasoning !== "string")) return content;
  return typeof reasoning === "string" ? reasoning : undefined;
}

export interface DecodedReasoningDetails {
  /** Text of `reasoning.text` / `reasoning.summary` items (used when no plain text came). */
  text: string;
  /** The signature of a signed `reasoning.text` item, for the text block it belongs to. */
  textSignature?: Signature;
  /** One signature per `reasoning.encrypted` item: each becomes its own thinking block. */
  encrypted: Signature[];
}

function signatureOf(item: JsonObject): Signature {
  return { origin: "openai-chat", value: JSON.stringify(item) };
}

export function decodeReasoningDetails(value: JsonValue | undefined): DecodedReasoningDetails | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const decoded: DecodedReasoningDetails = { text: "", encrypted: [] };
  for (const item of value) {
    if (!isJsonObject(item)) continue;
    if (item.type === "reasoning.encrypted") {
      decoded.encrypted.push(signatureOf(item));
      continue;
    }
    const text =
      typeof item.text === "string" ? item.text : typeof item.summary === "string" ? item.summary : "";
    decoded.text += text;
    if (typeof item.signature === "string" && item.signature !== "") {
      const { text: _omitted, ...rest } = item;
      decoded.textSignature = signatureOf(rest);
    }
  }
  return decoded;
}

/**
 * The thinking parts of an assistant message (request history or response): the plain text,
 * signed when a `reasoning.text` item carried a signature, then one part per encrypted item.
 */
export function decodeThinkingParts(
  plain: string | undefined,
  detailsValue: JsonValue | undefined,
): ThinkingPart[] {
  const details = decodeReasoningDetails(detailsValue);
  const text = plain || details?.text || "";
  const parts: ThinkingPart[] = [];
  if (text !== "" || details?.textSignature !== undefined) {
    const part: ThinkingPart = { type: "thinking", text };
    if (details?.textSignature !== undefined) part.signature = details.textSignature;
    parts.push(part);
  }
  for (const signature of details?.encrypted ?? []) parts.push({ type: "thinking", text: "", signature });
  return parts;
}

/** A thinking part signed by an openai-chat upstream, back as its `reasoning_details` item. */
export function encodeReasoningDetail(part: ThinkingPart): JsonObject | undefined {
  if (part.signature?.origin !== "openai-chat") return undefined;
  const parsed = safeParseJson(part.signature.value);
  if (!parsed.ok || !isJsonObject(parsed.value)) return undefined;
  const item = parsed.value;
  if (item.type === "reasoning.text") return { ...item, text: part.text };
  return item;
}
