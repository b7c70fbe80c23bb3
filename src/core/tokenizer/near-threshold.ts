import type { CanonicalRequest } from "../model/request.js";
import {
  type CountOptions,
  collectRequestTexts,
  DEFAULT_MAX_EXACT_CHARS,
  sumCountedTokens,
  sumEstimatedTokens,
} from "./request-tokens.js";
import type { TokenCounter } from "./token-counter.js";

/**
 * How far (as a share of the threshold) the estimate may be from a threshold and still be
 * counted exactly. The estimate is within 10-15 % for 90 % of texts (estimate.ts), so
 * 25 % leaves room for the odd text it misjudges more.
 */
export const DEFAULT_THRESHOLD_MARGIN = 0.25;

export interface ThresholdOptions extends CountOptions {
  /** Share of the threshold around it where the exact counter is used (default 0.25). */
  margin?: number;
}

export interface ThresholdTokens {
  /** The count to compare with the threshold: exact near it, the estimate elsewhere. */
  tokens: number;
  /** The fast estimate, always computed first. */
  estimate: number;
  /**
   * `estimate`: far from every threshold, or no counter was given. `exact`: counted.
   * `sampled`: the prompt was longer than `maxExactChars`, so a proportional share of it
   * was counted exactly and the rest extrapolated.
   */
  method: "estimate" | "exact" | "sampled";
}

/**
 * Prompt tokens for comparing with one or more thresholds (the longcontext threshold, a
 * rule's minTokens/maxTokens). The estimate comes first; only when it lies within
 * `margin` of a threshold is the request counted with `counter`, so a 100k-token prompt
 * far from every threshold costs only the estimate.
 */
export function tokensForThreshold(
  request: CanonicalRequest,
  threshold: number | readonly number[],
  counter?: TokenCounter,
  options: ThresholdOptions = {},
): ThresholdTokens {
  const collected = collectRequestTexts(request);
  const estimate = sumEstimatedTokens(collected);
  const margin = options.margin ?? DEFAULT_THRESHOLD_MARGIN;
  const thresholds = typeof threshold === "number" ? [threshold] : threshold;
  const near = thresholds.some((value) => Math.abs(estimate - value) <= margin * value);
  if (counter === undefined || !near) return { tokens: estimate, estimate, method: "estimate" };
  const maxExactChars = options.maxExactChars ?? DEFAULT_MAX_EXACT_CHARS;
  return {
    tokens: sumCountedTokens(collected, counter, maxExactChars),
    estimate,
    method: collected.chars <= maxExactChars ? "exact" : "sampled",
  };
}
