import { isJsonObject, type JsonObject } from "../../model/json.js";
import type { Usage } from "../../model/usage.js";

function count(object: JsonObject, key: string): number | undefined {
  const value = object[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * Anthropic usage as canonical usage. Both count `input_tokens` without cache reads and writes;
 * `output_tokens` includes thinking, reported apart in `output_tokens_details.thinking_tokens`.
 */
export function decodeAnthropicUsage(wire: unknown): Usage | undefined {
  if (!isJsonObject(wire)) return undefined;
  const usage: Usage = {
    inputTokens: count(wire, "input_tokens") ?? 0,
    cacheReadTokens: count(wire, "cache_read_input_tokens") ?? 0,
    cacheWriteTokens: count(wire, "cache_creation_input_tokens") ?? 0,
    outputTokens: count(wire, "output_tokens") ?? 0,
    reasoningTokens: 0,
  };
  const details = wire.output_tokens_details;
  if (isJsonObject(details)) usage.reasoningTokens = count(details, "thinking_tokens") ?? 0;
  return usage;
}

/**
 * A stream's usage so far updated by a `message_delta` usage object: counters present there are
 * cumulative totals and replace the earlier ones; absent (or null) counters keep their value.
 */
export function mergeAnthropicUsage(current: Usage, wire: unknown): Usage {
  if (!isJsonObject(wire)) return current;
  const next: Usage = { ...current };
  next.inputTokens = count(wire, "input_tokens") ?? next.inputTokens;
  next.cacheReadTokens = count(wire, "cache_read_input_tokens") ?? next.cacheReadTokens;
  next.cacheWriteTokens = count(wire, "cache_creation_input_tokens") ?? next.cacheWriteTokens;
  next.outputTokens = count(wire, "output_tokens") ?? next.outputTokens;
  const details = wire.output_tokens_details;
  if (isJsonObject(details)) next.reasoningTokens = count(details, "thinking_tokens") ?? next.reasoningTokens;
  return next;
}

/** Canonical usage in Anthropic's shape (`output_tokens_details` only when reasoning was counted). */
export function encodeAnthropicUsage(usage: Usage): JsonObject {
  const wire: JsonObject = {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    output_tokens: usage.outputTokens,
  };
  if (usage.reasoningTokens > 0) wire.output_tokens_details = { thinking_tokens: usage.reasoningTokens };
  return wire;
}
