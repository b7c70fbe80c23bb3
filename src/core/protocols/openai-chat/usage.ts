import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";
import { totalInputTokens, type Usage } from "../../model/usage.js";

function count(value: JsonValue | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function details(value: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

/**
 * Chat usage -> canonical. `prompt_tokens` includes cached tokens (OpenAI's
 * `prompt_tokens_details.cached_tokens`, DeepSeek's `prompt_cache_hit_tokens`), so they are
 * subtracted from input once. `completion_tokens` includes reasoning, except at xAI, whose
 * `total_tokens` = prompt + completion + reasoning betrays that it does not.
 */
export function decodeChatUsage(wire: unknown): Usage | undefined {
  if (!isJsonObject(wire)) return undefined;
  const prompt = count(wire.prompt_tokens);
  const completion = count(wire.completion_tokens);
  if (prompt === undefined && completion === undefined) return undefined;
  const promptDetails = details(wire.prompt_tokens_details);
  const completionDetails = details(wire.completion_tokens_details);
  const cacheRead = count(promptDetails?.cached_tokens) ?? count(wire.prompt_cache_hit_tokens) ?? 0;
  const cacheWrite =
    count(promptDetails?.cache_write_tokens) ?? count(promptDetails?.cache_creation_tokens) ?? 0;
  const reasoning = count(completionDetails?.reasoning_tokens) ?? 0;
  const promptTokens = prompt ?? 0;
  let output = completion ?? 0;
  const total = count(wire.total_tokens);
  if (reasoning > 0 && total !== undefined && total === promptTokens + output + reasoning) {
    output += reasoning;
  }
  return {
    inputTokens: Math.max(0, promptTokens - cacheRead - cacheWrite),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    outputTokens: output,
    reasoningTokens: reasoning,
  };
}

/** Canonical -> Chat usage; cache writes are part of `prompt_tokens` and also named on their own. */
export function encodeChatUsage(usage: Usage): JsonObject {
  const prompt = totalInputTokens(usage);
  const promptDetails: JsonObject = { cached_tokens: usage.cacheReadTokens };
  if (usage.cacheWriteTokens > 0) promptDetails.cache_write_tokens = usage.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: promptDetails,
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}
