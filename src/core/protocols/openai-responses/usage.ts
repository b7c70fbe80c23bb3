import type { JsonObject } from "../../model/json.js";
import { emptyUsage, totalInputTokens, type Usage } from "../../model/usage.js";
import { numberAt, objectAt, objectOf } from "./wire.js";

/**
 * Responses usage: `input_tokens` includes cached tokens (`input_tokens_details.cached_tokens`,
 * and `cache_write_tokens` where a host reports it); `output_tokens` includes reasoning.
 */
export function decodeResponsesUsage(wire: unknown): Usage | undefined {
  const object = objectOf(wire);
  if (object === undefined) return undefined;
  const input = numberAt(object, "input_tokens");
  const output = numberAt(object, "output_tokens");
  if (input === undefined && output === undefined) return undefined;
  const inputDetails = objectAt(object, "input_tokens_details");
  const outputDetails = objectAt(object, "output_tokens_details");
  const usage = emptyUsage();
  usage.cacheReadTokens = numberAt(inputDetails, "cached_tokens") ?? 0;
  usage.cacheWriteTokens = numberAt(inputDetails, "cache_write_tokens") ?? 0;
  usage.inputTokens = Math.max(0, (input ?? 0) - usage.cacheReadTokens - usage.cacheWriteTokens);
  usage.outputTokens = output ?? 0;
  usage.reasoningTokens = numberAt(outputDetails, "reasoning_tokens") ?? 0;
  return usage;
}

export function encodeResponsesUsage(usage: Usage): JsonObject {
  const input = totalInputTokens(usage);
  const inputDetails: JsonObject = { cached_tokens: usage.cacheReadTokens };
  if (usage.cacheWriteTokens > 0) inputDetails.cache_write_tokens = usage.cacheWriteTokens;
  return {
    input_tokens: input,
    input_tokens_details: inputDetails,
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: input + usage.outputTokens,
  };
}
