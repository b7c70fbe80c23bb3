import type { Part, ThinkingPart } from "../../model/parts.js";
import { uncarryReasoning } from "./reasoning-carry.js";

/**
 * Whether thinking part `next` continues the reasoning item `previous` belongs to: a Responses
 * reasoning item decodes to one thinking part per summary text, sharing the item id, with the
 * encrypted content on the last one.
 */
export function continuesReasoningItem(previous: ThinkingPart, next: ThinkingPart): boolean {
  return (
    previous.signature === undefined &&
    previous.redactedData === undefined &&
    previous.itemId === next.itemId &&
    next.redactedData === undefined
  );
}

/** The run of thinking parts starting at `start` that form one reasoning item. */
export function groupThinkingParts(content: readonly Part[], start: number): ThinkingPart[] {
  const first = content[start];
  if (first?.type !== "thinking") return [];
  const group: ThinkingPart[] = [first];
  for (let index = start + 1; index < content.length; index++) {
    const next = content[index];
    const previous = group[group.length - 1] as ThinkingPart;
    if (next?.type !== "thinking" || !continuesReasoningItem(previous, next)) break;
    group.push(next);
  }
  return group;
}

/** Reasoning item texts, summaries first, then raw reasoning text; at least one (maybe empty) text. */
export function reasoningTexts(
  summary: readonly { text: string }[],
  content: readonly { text: string }[],
): string[] {
  const texts = [...summary.map((part) => part.text), ...content.map((part) => part.text)];
  return texts.length === 0 ? [""] : texts;
}

/** A reasoning item as thinking parts (one per summary/content text); its artifact rides on the last. */
export function thinkingPartsOf(
  texts: readonly string[],
  itemId: string | undefined,
  encrypted: string | undefined,
): ThinkingPart[] {
  const parts = texts.map((text) => {
    const part: ThinkingPart = { type: "thinking", text };
    if (itemId !== undefined) part.itemId = itemId;
    return part;
  });
  const last = parts[parts.length - 1];
  if (last !== undefined && encrypted !== undefined) {
    const carried = uncarryReasoning(encrypted);
    if (carried.signature !== undefined) last.signature = carried.signature;
    if (carried.redactedData !== undefined) last.redactedData = carried.redactedData;
  }
  return parts;
}
