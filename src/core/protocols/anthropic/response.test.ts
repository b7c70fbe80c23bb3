import { describe, expect, it } from "vitest";
import type { CanonicalResponse } from "../../model/response.js";
import { fixtureJson, testContext } from "./__fixtures__/support.js";
import { decodeAnthropicResponse, encodeAnthropicResponse } from "./response.js";

const context = testContext();

function decodeFixture(relative: string): CanonicalResponse {
  return decodeAnthropicResponse(fixtureJson(relative), context);
}

describe("anthropic response decoding on recorded bodies", () => {
  it("decodes four parallel tool calls with ids, names and arguments", () => {
    const response = decodeFixture(
      "pydantic-ai/extracted/test_anthropic/test_multiple_parallel_tool_calls/01-response.json",
    );
    expect(response.id).toBe("msg_011S3wxtqL5CVescWqS3zeg2");
    expect(response.model).toBe("claude-haiku-4-5-20251001");
    expect(response.finishReason).toBe("tool-calls");
    expect(response.content.slice(1)).toEqual([
      {
        type: "tool-call",
        id: "toolu_0167cfEnoQaPviGdVXA95zcu",
        name: "retrieve_entity_info",
        arguments: '{"name":"Alice"}',
      },
      {
        type: "tool-call",
        id: "toolu_01EEe2V5HD1Ac4rKiUR4HD2T",
        name: "retrieve_entity_info",
        arguments: '{"name":"Bob"}',
      },
      {
        type: "tool-call",
        id: "toolu_01XFyAjstT3966qvRynZyVPo",
        name: "retrieve_entity_info",
        arguments: '{"name":"Charlie"}',
      },
      {
        type: "tool-call",
        id: "toolu_013mnQZbgtK2oe3Mo3XKJsx3",
        name: "retrieve_entity_info",
        arguments: '{"name":"Daisy"}',
      },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 423,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 202,
      reasoningTokens: 0,
    });
  });

  it("decodes thinking with signature, text and a no-argument tool call", () => {
    const response = decodeFixture(
      "pydantic-ai/extracted/test_anthropic/test_anthropic_tool_with_thinking/01-response.json",
    );
    expect(response.content.map((part) => part.type)).toEqual(["thinking", "text", "tool-call"]);
    const thinking = response.content[0];
    expect(thinking?.type === "thinking" && thinking.signature?.origin).toBe("anthropic");
    expect(response.content[2]).toEqual({
      type: "tool-call",
      id: "toolu_01YGzqpRE16Vricda3Aqcejo",
      name: "get_user_country",
      arguments: "{}",
    });
  });

  it("reads thinking tokens from output_tokens_details", () => {
    const response = decodeFixture("vercel-ai/anthropic/anthropic-claude-opus-5-reasoning-high.1.json");
    expect(response.usage).toMatchObject({ inputTokens: 51, outputTokens: 1699, reasoningTokens: 139 });
    expect(response.content.map((part) => part.type)).toEqual(["thinking", "text"]);
  });

  it("decodes a refusal and keeps its explanation as a warning", () => {
    const response = decodeFixture("vercel-ai/anthropic/anthropic-refusal.json");
    expect(response.finishReason).toBe("refusal");
    expect(response.content).toEqual([]);
    expect(response.warnings).toEqual([
      {
        code: "stop_details",
        message:
          "This request triggered restrictions on violative cyber content and was blocked under Anthropic's Usage Policy.",
      },
    ]);
    expect(decodeFixture("vercel-ai/anthropic/anthropic-refusal-no-details.json").warnings).toEqual([]);
  });

  it("tolerates the fallback block and keeps the text", () => {
    const response = decodeFixture("vercel-ai/anthropic/anthropic-fallback.json");
    expect(response.content).toEqual([
      { type: "text", text: "The printing press was invented by Johannes Gutenberg around 1440." },
    ]);
    expect(response.usage).toMatchObject({ inputTokens: 412, outputTokens: 264 });
  });

  it("reports server tool blocks it cannot carry", () => {
    const response = decodeAnthropicResponse(
      {
        id: "msg_1",
        model: "m",
        content: [
          { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "x" } },
          { type: "text", text: "found", citations: [{ type: "web_search_result_location" }] },
        ],
        stop_reason: "end_turn",
        usage: {
          input_tokens: 5,
          output_tokens: 2,
          cache_read_input_tokens: 7,
          cache_creation_input_tokens: 3,
        },
      },
      context,
    );
    expect(response.content).toEqual([{ type: "text", text: "found" }]);
    expect(response.warnings.map((warning) => warning.code)).toEqual(["block_dropped", "citations_dropped"]);
    expect(response.usage).toMatchObject({ inputTokens: 5, cacheReadTokens: 7, cacheWriteTokens: 3 });
  });

  it("maps every stop reason", () => {
    const cases: [string, string][] = [
      ["end_turn", "stop"],
      ["max_tokens", "length"],
      ["stop_sequence", "stop-sequence"],
      ["tool_use", "tool-calls"],
      ["pause_turn", "pause"],
      ["refusal", "refusal"],
      ["model_context_window_exceeded", "context-window"],
      ["something_new", "other"],
    ];
    for (const [wire, canonical] of cases) {
      const response = decodeAnthropicResponse(
        { id: "m", model: "m", content: [], stop_reason: wire },
        context,
      );
      expect(response.finishReason).toBe(canonical);
    }
    const withSequence = decodeAnthropicResponse(
      { id: "m", model: "m", content: [], stop_reason: "stop_sequence", stop_sequence: "###" },
      context,
    );
    expect(withSequence.stopSequence).toBe("###");
  });

  it("rejects a body that is not a message", () => {
    expect(() => decodeAnthropicResponse({ error: "x" }, context)).toThrow(/not an Anthropic message/);
  });
});

describe("anthropic response encoding", () => {
  const response: CanonicalResponse = {
    id: "chatcmpl-1",
    model: "gpt-upstream",
    created: 1,
    content: [
      { type: "thinking", text: "hmm", signature: { origin: "openai-responses", value: "enc" } },
      { type: "text", text: "" },
      { type: "text", text: "Calling." },
      { type: "tool-call", id: "call_1", name: "f", arguments: '{"a":1}' },
    ],
    finishReason: "stop",
    usage: {
      inputTokens: 10,
      cacheReadTokens: 90,
      cacheWriteTokens: 5,
      outputTokens: 20,
      reasoningTokens: 8,
    },
    warnings: [],
  };

  it("reports the client's model, Anthropic usage, and tool_use for a tool-calling stop", () => {
    expect(encodeAnthropicResponse(response, { model: "claude-alias" }, testContext())).toEqual({
      id: "chatcmpl-1",
      type: "message",
      role: "assistant",
      model: "claude-alias",
      content: [
        { type: "thinking", thinking: "hmm", signature: "llmux1:openai-responses:enc" },
        { type: "text", text: "Calling." },
        { type: "tool_use", id: "call_1", name: "f", input: { a: 1 } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 5,
        cache_read_input_tokens: 90,
        output_tokens: 20,
        output_tokens_details: { thinking_tokens: 8 },
      },
    });
  });

  it("maps every finish reason", () => {
    const cases: [CanonicalResponse["finishReason"], string][] = [
      ["stop", "end_turn"],
      ["stop-sequence", "stop_sequence"],
      ["length", "max_tokens"],
      ["tool-calls", "tool_use"],
      ["content-filter", "refusal"],
      ["refusal", "refusal"],
      ["pause", "pause_turn"],
      ["malformed-tool-call", "end_turn"],
      ["context-window", "model_context_window_exceeded"],
      ["other", "end_turn"],
    ];
    for (const [reason, wire] of cases) {
      const body = encodeAnthropicResponse(
        { ...response, content: [], finishReason: reason },
        { model: "m" },
        context,
      );
      expect(body.stop_reason).toBe(wire);
    }
  });
});
