import { describe, expect, it } from "vitest";
import type { CanonicalRequest } from "../model/request.js";
import { tokensForThreshold } from "./near-threshold.js";
import { estimateRequestTokens } from "./request-tokens.js";
import type { TokenCounter } from "./token-counter.js";

/** Counts its calls; charges chars/4, which differs visibly from the estimate. */
function countingCounter(): TokenCounter & { calls: number } {
  const counter = {
    calls: 0,
    count(text: string): number {
      counter.calls++;
      return Math.ceil(text.length / 4);
    },
  };
  return counter;
}

function promptOf(words: number): CanonicalRequest {
  return {
    model: "claude-sonnet-4-5",
    system: [],
    messages: [
      { role: "user", content: [{ type: "text", text: "lorem ipsum dolor sit amet ".repeat(words / 5) }] },
    ],
    tools: [],
    sampling: {},
    stream: false,
    metadata: {},
    extensions: {},
  };
}

describe("tokensForThreshold", () => {
  const threshold = 10_000;

  it("uses only the estimate far below the threshold", () => {
    const counter = countingCounter();
    const result = tokensForThreshold(promptOf(2_000), threshold, counter);
    expect(counter.calls).toBe(0);
    expect(result.method).toBe("estimate");
    expect(result.tokens).toBe(result.estimate);
  });

  it("uses only the estimate far above the threshold (a 100k-token prompt costs just the estimate)", () => {
    const counter = countingCounter();
    const result = tokensForThreshold(promptOf(100_000), threshold, counter);
    expect(counter.calls).toBe(0);
    expect(result.tokens).toBeGreaterThan(threshold * 1.25);
  });

  it("counts exactly when the estimate is within the margin", () => {
    const request = promptOf(9_000);
    const counter = countingCounter();
    const result = tokensForThreshold(request, threshold, counter);
    expect(counter.calls).toBeGreaterThan(0);
    expect(result.method).toBe("exact");
    expect(result.estimate).toBe(estimateRequestTokens(request));
    expect(result.tokens).not.toBe(result.estimate);
  });

  it("respects a custom margin", () => {
    const counter = countingCounter();
    tokensForThreshold(promptOf(9_000), threshold, counter, { margin: 0.01 });
    expect(counter.calls).toBe(0);
  });

  it("counts when the estimate is near any of several thresholds (e.g. a rule's minTokens)", () => {
    const counter = countingCounter();
    tokensForThreshold(promptOf(2_000), [threshold, 2_000], counter);
    expect(counter.calls).toBeGreaterThan(0);
  });

  it("falls back to the estimate when no counter is injected", () => {
    const result = tokensForThreshold(promptOf(10_000), threshold);
    expect(result.method).toBe("estimate");
  });

  it("estimates a long prompt far from every threshold on a sample, within 3 % of the full estimate", () => {
    const counter = countingCounter();
    const request = promptOf(100_000);
    const result = tokensForThreshold(request, threshold, counter);
    expect(result.method).toBe("sampled-estimate");
    expect(counter.calls).toBe(0);
    const full = estimateRequestTokens(request);
    expect(Math.abs(result.tokens - full) / full).toBeLessThan(0.03);
  });

  it("takes the full estimate when the sampled one is near a threshold, and counts only within the margin", () => {
    const request = promptOf(20_000);
    const full = estimateRequestTokens(request);
    const counter = countingCounter();
    // 33 % away: inside the sampled estimate's wider band, outside the exact count's margin.
    const result = tokensForThreshold(request, Math.round(full * 1.5), counter);
    expect(result.method).toBe("estimate");
    expect(result.tokens).toBe(full);
    expect(counter.calls).toBe(0);
  });

  it("estimates in full a prompt no longer than sampleChars", () => {
    const request = promptOf(20_000);
    const result = tokensForThreshold(request, threshold * 100, undefined, { sampleChars: 1_000_000 });
    expect(result.method).toBe("estimate");
    expect(result.tokens).toBe(estimateRequestTokens(request));
  });

  it("reports a sampled count when the prompt is longer than maxExactChars", () => {
    const counter = countingCounter();
    const result = tokensForThreshold(promptOf(10_000), threshold, counter, { maxExactChars: 1_000 });
    expect(result.method).toBe("sampled");
    expect(counter.calls).toBe(1);
  });
});
