import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";
import { totalInputTokens, type Usage } from "../../model/usage.js";

function count(value: JsonValue | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Gemini `usageMetadata` -> canonical. `promptTokenCount` includes `cachedContentTokenCount`
 * (subtracted once); `toolUsePromptTokenCount` (results of built-in tools) is input too.
 * `candidatesTokenCount` excludes `thoughtsTokenCount`, canonical output includes it.
 * Gemini reports no cache writes. `undefined` when the object carries no counts at all
 * (Vertex sends `{trafficType}` alone on early chunks).
 */
export function decodeGeminiUsage(wire: unknown): Usage | undefined {
  if (!isJsonObject(wire)) return undefined;
  const prompt = count(wire.promptTokenCount);
  const candidates = count(wire.candidatesTokenCount);
  const thoughts = count(wire.thoughtsTokenCount);
  const cached = count(wire.cachedContentTokenCount);
  const toolUse = count(wire.toolUsePromptTokenCount);
  if (prompt === undefined && candidates === undefined && thoughts === undefined && cached === undefined) {
    return undefined;
  }
  const cacheRead = cached ?? 0;
  return {
    inputTokens: Math.max(0, (prompt ?? 0) - cacheRead) + (toolUse ?? 0),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: 0,
    outputTokens: (candidates ?? 0) + (thoughts ?? 0),
    reasoningTokens: thoughts ?? 0,
  };
}

/** Canonical -> Gemini `usageMetadata`; cache writes are input Gemini would count in the prompt. */
export function encodeGeminiUsage(usage: Usage): JsonObject {
  const prompt = totalInputTokens(usage);
  const reasoning = Math.min(usage.reasoningTokens, usage.outputTokens);
  const wire: JsonObject = {
    promptTokenCount: prompt,
    candidatesTokenCount: usage.outputTokens - reasoning,
    totalTokenCount: prompt + usage.outputTokens,
  };
  if (usage.cacheReadTokens > 0) wire.cachedContentTokenCount = usage.cacheReadTokens;
  if (reasoning > 0) wire.thoughtsTokenCount = reasoning;
  return wire;
}

export function sameUsage(a: Usage, b: Usage): boolean {
  return (
    a.inputTokens === b.inputTokens &&
    a.cacheReadTokens === b.cacheReadTokens &&
    a.cacheWriteTokens === b.cacheWriteTokens &&
    a.outputTokens === b.outputTokens &&
    a.reasoningTokens === b.reasoningTokens
  );
}
