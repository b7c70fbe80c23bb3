import { safeParseJson } from "../../core/json/safe-parse.js";
import { isJsonObject, type JsonObject } from "../../core/model/json.js";
import type { MockToolCall } from "../script.js";

/** What a renderer needs besides the script. Renderers read no clock: `created` comes in. */
export interface RenderContext {
  /** The model to report when the script names none. */
  model: string;
  /** Unix seconds. */
  created: number;
  /** Makes ids unique and deterministic: the request number, or a hash of the request. */
  seed: string;
  /** Chat Completions `stream_options.include_usage`. */
  includeUsage?: boolean;
}

/** A rendered answer: a whole JSON body, or the wire frames of a stream. */
export type MockRendering =
  | { kind: "json"; status: number; headers: Record<string, string>; body: string }
  | { kind: "stream"; status: number; headers: Record<string, string>; frames: string[] };

export const JSON_CONTENT_TYPE = "application/json";
export const SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8";

/** An unnamed SSE event carrying JSON (Chat Completions). */
export function dataFrame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** A named SSE event carrying JSON (Anthropic, Responses). */
export function eventFrame(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

function groupEvenly(items: readonly string[], parts: number): string[] {
  const count = Math.min(items.length, Math.max(1, Math.floor(parts)));
  const groups: string[] = [];
  for (let group = 0; group < count; group++) {
    const from = Math.floor((group * items.length) / count);
    const to = Math.floor(((group + 1) * items.length) / count);
    groups.push(items.slice(from, to).join(""));
  }
  return groups;
}

/**
 * `text` in `parts` pieces whose concatenation is `text`: at word boundaries when there
 * are enough words, else by code points. An empty text is one empty piece.
 */
export function splitText(text: string, parts = 1): string[] {
  if (text === "") return [""];
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  if (words.length >= parts) return groupEvenly(words, parts);
  return groupEvenly(Array.from(text), parts);
}

/** Argument text in `parts` fragments by code points (real fragments split mid-token). None for "". */
export function splitFragments(text: string, parts = 3): string[] {
  if (text === "") return [];
  return groupEvenly(Array.from(text), parts);
}

/** A tool call's arguments as an object, for protocols that carry whole objects. */
export function toolArgumentsObject(call: MockToolCall): JsonObject {
  if (call.rawArguments === undefined) return call.arguments ?? {};
  const parsed = safeParseJson(call.rawArguments);
  return parsed.ok && isJsonObject(parsed.value) ? parsed.value : {};
}

/**
 * Interleave several per-call frame lists round-robin (first frame of each, then the
 * second of each ...), or concatenate them in order.
 */
export function mergeCallFrames<T>(lists: readonly T[][], interleave: boolean): T[] {
  if (!interleave) return lists.flat();
  const merged: T[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let position = 0; position < longest; position++) {
    for (const list of lists) {
      const item = list[position];
      if (item !== undefined) merged.push(item);
    }
  }
  return merged;
}
