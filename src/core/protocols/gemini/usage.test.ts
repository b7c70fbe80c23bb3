import { describe, expect, it } from "vitest";
import type { FinishReason } from "../../model/finish.js";
import { decodeFinishReason, encodeFinishReason } from "./finish.js";
import { decodeGeminiUsage, encodeGeminiUsage } from "./usage.js";

describe("Gemini usage", () => {
  it("subtracts cached tokens from the prompt once, adds thoughts to output, counts tool-use prompts as input", () => {
    expect(
      decodeGeminiUsage({
        promptTokenCount: 1000,
        cachedContentTokenCount: 800,
        candidatesTokenCount: 50,
        thoughtsTokenCount: 30,
        toolUsePromptTokenCount: 12,
        totalTokenCount: 1092,
      }),
    ).toEqual({
      inputTokens: 212,
      cacheReadTokens: 800,
      cacheWriteTokens: 0,
      outputTokens: 80,
      reasoningTokens: 30,
    });
  });

  it("has no usage for metadata without counts", () => {
    expect(decodeGeminiUsage({ trafficType: "ON_DEMAND" })).toBeUndefined();
    expect(decodeGeminiUsage(undefined)).toBeUndefined();
  });

  it("encodes back so that cached tokens are neither dropped nor counted twice", () => {
    const usage = {
      inputTokens: 200,
      cacheReadTokens: 800,
      cacheWriteTokens: 50,
      outputTokens: 80,
      reasoningTokens: 30,
    };
    const wire = encodeGeminiUsage(usage);
    expect(wire).toEqual({
      promptTokenCount: 1050,
      cachedContentTokenCount: 800,
      candidatesTokenCount: 50,
      thoughtsTokenCount: 30,
      totalTokenCount: 1130,
    });
    expect(decodeGeminiUsage(wire)).toEqual({ ...usage, inputTokens: 250, cacheWriteTokens: 0 });
  });
});

describe("Gemini finish reasons", () => {
  it("reads STOP with a function call as a tool turn", () => {
    expect(decodeFinishReason("STOP", true)).toBe("tool-calls");
    expect(decodeFinishReason("STOP", false)).toBe("stop");
  });

  it("maps every canonical reason to a Gemini reason that reads back to the same family", () => {
    const reasons: FinishReason[] = [
      "stop",
      "stop-sequence",
      "length",
      "tool-calls",
      "content-filter",
      "refusal",
      "pause",
      "malformed-tool-call",
      "context-window",
      "other",
    ];
    const back = reasons.map((reason) =>
      decodeFinishReason(encodeFinishReason(reason), reason === "tool-calls"),
    );
    expect(back).toEqual([
      "stop",
      "stop",
      "length",
      "tool-calls",
      "content-filter",
      "content-filter",
      "pause",
      "malformed-tool-call",
      "length",
      "other",
    ]);
  });

  it("maps Gemini-only reasons", () => {
    expect(decodeFinishReason("SPII", false)).toBe("content-filter");
    expect(decodeFinishReason("BLOCKLIST", false)).toBe("content-filter");
    expect(decodeFinishReason("TOO_MANY_TOOL_CALLS", false)).toBe("malformed-tool-call");
    expect(decodeFinishReason("LANGUAGE", false)).toBe("other");
    expect(decodeFinishReason("SOMETHING_NEW", false)).toBe("other");
  });
});
