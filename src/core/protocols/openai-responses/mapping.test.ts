import { describe, expect, it } from "vitest";
import type { FinishReason } from "../../model/finish.js";
import { decodeFinishReason, encodeFinishReason } from "./finish.js";
import { carryReasoning, uncarryReasoning } from "./reasoning-carry.js";
import { decodeResponsesUsage, encodeResponsesUsage } from "./usage.js";

describe("usage", () => {
  it("takes cached and cache-write tokens out of input tokens, and keeps reasoning inside output", () => {
    expect(
      decodeResponsesUsage({
        input_tokens: 7112,
        input_tokens_details: { cached_tokens: 3072, cache_write_tokens: 40 },
        output_tokens: 463,
        output_tokens_details: { reasoning_tokens: 64 },
        total_tokens: 7575,
      }),
    ).toEqual({
      inputTokens: 4000,
      cacheReadTokens: 3072,
      cacheWriteTokens: 40,
      outputTokens: 463,
      reasoningTokens: 64,
    });
  });

  it("round-trips without dropping or double counting cached tokens", () => {
    const usage = {
      inputTokens: 12,
      cacheReadTokens: 100,
      cacheWriteTokens: 0,
      outputTokens: 30,
      reasoningTokens: 10,
    };
    const wire = encodeResponsesUsage(usage);
    expect(wire).toEqual({
      input_tokens: 112,
      input_tokens_details: { cached_tokens: 100 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 10 },
      total_tokens: 142,
    });
    expect(decodeResponsesUsage(wire)).toEqual(usage);
  });

  it("has no usage for null or an object without token counts", () => {
    expect(decodeResponsesUsage(null)).toBeUndefined();
    expect(decodeResponsesUsage({ total_tokens: 5 })).toBeUndefined();
  });
});

describe("finish reasons", () => {
  const none = { sawToolCall: false, sawRefusal: false };

  it("decodes every status", () => {
    expect(decodeFinishReason("completed", undefined, none)).toBe("stop");
    expect(decodeFinishReason("completed", undefined, { sawToolCall: true, sawRefusal: false })).toBe(
      "tool-calls",
    );
    expect(decodeFinishReason("completed", undefined, { sawToolCall: false, sawRefusal: true })).toBe(
      "refusal",
    );
    expect(decodeFinishReason("incomplete", "max_output_tokens", none)).toBe("length");
    expect(decodeFinishReason("incomplete", "content_filter", none)).toBe("content-filter");
    expect(decodeFinishReason("incomplete", undefined, none)).toBe("other");
    expect(decodeFinishReason("cancelled", undefined, none)).toBe("other");
  });

  it.each<[FinishReason, string, string | null]>([
    ["stop", "completed", null],
    ["stop-sequence", "completed", null],
    ["tool-calls", "completed", null],
    ["refusal", "completed", null],
    ["pause", "completed", null],
    ["malformed-tool-call", "completed", null],
    ["other", "completed", null],
    ["length", "incomplete", "max_output_tokens"],
    ["context-window", "incomplete", "max_output_tokens"],
    ["content-filter", "incomplete", "content_filter"],
  ])("encodes %s as status %s (%s)", (reason, status, incompleteReason) => {
    const encoded = encodeFinishReason(reason);
    expect(encoded.status).toBe(status);
    expect(encoded.incompleteDetails).toEqual(
      incompleteReason === null ? null : { reason: incompleteReason },
    );
    expect(encoded.terminalEvent).toBe(status === "completed" ? "response.completed" : "response.incomplete");
  });
});

describe("reasoning artifacts carried through a Responses client", () => {
  it("passes OpenAI's own encrypted content bare", () => {
    expect(carryReasoning({ signature: { origin: "openai-responses", value: "gAAAA" } })).toBe("gAAAA");
    expect(uncarryReasoning("gAAAA")).toEqual({ signature: { origin: "openai-responses", value: "gAAAA" } });
  });

  it("envelopes other protocols' signatures and redacted thinking, and restores them", () => {
    for (const carried of [
      { signature: { origin: "anthropic" as const, value: "Eq:Q/B==" } },
      { signature: { origin: "gemini" as const, value: "CiQB" } },
      { redactedData: "opaque:data" },
    ]) {
      const wire = carryReasoning(carried);
      expect(wire?.startsWith("llmux1:")).toBe(true);
      expect(uncarryReasoning(wire ?? "")).toEqual(carried);
    }
    expect(carryReasoning({})).toBeUndefined();
  });

  it("treats an unknown envelope tag as opaque OpenAI content", () => {
    expect(uncarryReasoning("llmux1:martian:x")).toEqual({
      signature: { origin: "openai-responses", value: "llmux1:martian:x" },
    });
  });
});
