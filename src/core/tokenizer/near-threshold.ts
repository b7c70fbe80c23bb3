import type { CanonicalRequest } from "../model/request.js";
import {
  type CountOptions,
  collectRequestTexts,
  DEFAULT_ESTIMATE_SAMPLE_CHARS,
  DEFAULT_MAX_EXACT_CHARS,
  sampleEstimatedTokens,
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

/**
 * How much further from every threshold (as a share of it) a sampled estimate must lie to be
 * used as is. Sampling 16k characters of a long prompt misses less than this on mixed prompts
 * (request-tokens.test.ts); nearer, the full estimate is taken, then the margin above applies.
 */
export const DEFAULT_SAMPLE_MARGIN = 0.15;

export interface ThresholdOptions extends CountOptions {
  /** Share of the threshold around it where the exact counter is used (default 0.25). */
  margin?: number;
  /** Characters a first estimate of a long prompt is taken on (default 16,384). */
  sampleChars?: number;
}

export interface ThresholdTokens {
  /** The count to compare with the threshold: exact near it, the estimate elsewhere. */
  tokens: number;
  /** The fast estimate (of a sample, when `method` is `sampled-estimate`). */
  estimate: number;
  /**
   * `sampled-estimate`: a long prompt whose estimate on a sample lies far from every
   * threshold. `estimate`: far from every threshold, or no counter was given. `exact`: counted.
   * `sampled`: the prompt was longer than `maxExactChars`, so a proportional share of it
   * was counted exactly and the rest extrapolated.
   */
  method: "sampled-estimate" | "estimate" | "exact" | "sampled";
}

/**
 * Prompt tokens for comparing with one or more thresholds (the longcontext threshold, a
 * rule's minTokens/maxTokens, a model's context window). A long prompt is first estimated
 * on a sample; when that lies more than `margin` + 0.15 from every threshold it is the
 * answer. Otherwise the whole prompt is estimated, and only when that lies within `margin`
 * of a threshold is the request counted with `counter`, so a 100k-token prompt far from
 * every threshold costs only a sampled estimate.
 */
export function tokensForThreshold(
  request: CanonicalRequest,
  threshold: number | readonly number[],
  counter?: TokenCounter,
  options: ThresholdOptions = {},
): ThresholdTokens {
  const collected = collectRequestTexts(request);
  const margin = options.margin ?? DEFAULT_THRESHOLD_MARGIN;
  const thresholds = typeof threshold === "number" ? [threshold] : threshold;
  const nearOne = (tokens: number, share: number) =>
    thresholds.some((value) => Math.abs(tokens - value) <= share * value);
  const sampleChars = options.sampleChars ?? DEFAULT_ESTIMATE_SAMPLE_CHARS;
  if (collected.chars > sampleChars) {
    const sampled = sampleEstimatedTokens(collected, sampleChars);
    if (!nearOne(sampled, margin + DEFAULT_SAMPLE_MARGIN))
      return { tokens: sampled, estimate: sampled, method: "sampled-estimate" };
  }
  const estimate = sumEstimatedTokens(collected);
  const near = nearOne(estimate, margin);
  if (counter === undefined || !near) return { tokens: estimate, estimate, method: "estimate" };
  const maxExactChars = options.maxExactChars ?? DEFAULT_MAX_EXACT_CHARS;
  return {
    tokens: sumCountedTokens(collected, counter, maxExactChars),
    estimate,
    method: collected.chars <= maxExactChars ? "exact" : "sampled",
  };
}
