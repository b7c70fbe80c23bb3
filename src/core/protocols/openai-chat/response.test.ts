import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { LlmuxError } from "../../model/errors.js";
import type { FinishReason } from "../../model/finish.js";
import type { CanonicalResponse } from "../../model/response.js";
import { readExternalJson, testContext } from "./__fixtures__/support.js";
import { openAiChatAdapter } from "./index.js";

function decode(body: unknown): CanonicalResponse {
  return openAiChatAdapter.decodeResponse(body, testContext());
}

function body(message: object, finishReason: string | null = "stop", usage?: object): object {
  return {
    id: "chatcmpl-x",
    object: "chat.completion",
    created: 5,
    model: "gpt-4.1",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finishReason }],
    ...(usage === undefined ? {} : { usage }),
  };
}

describe("openai-chat decodeResponse: recorded traffic", () => {
  it("OpenAI text", () => {
    const response = decode(readExternalJson("vercel-ai/openai/chat/openai-text.json"));
    expect(response.id).toBe("chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU");
    expect(response.model).toBe("gpt-4.1-nano-2025-04-14");
    expect(response.created).toBe(1770933883);
    expect(response.content).toHaveLength(1);
    expect(
      response.content[0]?.type === "text" && response.content[0].text.startsWith("**Holiday Name:**"),
    ).toBe(true);
    expect(response.finishReason).toBe("stop");
    expect(response.usage).toEqual({
      inputTokens: 16,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 363,
      reasoningTokens: 0,
    });
  });

  it("DeepSeek reasoning + tool call; cached tokens (320 of 339) never double counted", () => {
    const response = decode(readExternalJson("vercel-ai/deepseek/chat/deepseek-tool-call.json"));
    expect(response.content.map((part) => part.type)).toEqual(["thinking", "tool-call"]);
    expect(response.content[1]).toEqual({
      type: "tool-call",
      id: "call_00_9V0vrf86Pc9aelHCJMZqnJBo",
      name: "weather",
      arguments: '{"location": "San Francisco"}',
    });
    expect(response.finishReason).toBe("tool-calls");
    expect(response.usage).toEqual({
      inputTokens: 19,
      cacheReadTokens: 320,
      cacheWriteTokens: 0,
      outputTokens: 92,
      reasoningTokens: 48,
    });
  });

  it("DeepSeek reasoning + text", () => {
    const response = decode(readExternalJson("vercel-ai/deepseek/chat/deepseek-reasoning.json"));
    expect(response.content.map((part) => part.type)).toEqual(["thinking", "text"]);
    const thinking = response.content[0];
    expect(thinking?.type === "thinking" && thinking.text.startsWith("We are asked")).toBe(true);
    expect(thinking?.type === "thinking" && thinking.signature).toBe(undefined);
    expect(response.usage.reasoningTokens).toBe(315);
  });

  it("xAI: tool call without index; completion_tokens that exclude reasoning are corrected", () => {
    const response = decode(readExternalJson("vercel-ai/openai-compatible/chat/xai-tool-call.json"));
    expect(response.content[1]).toEqual({
      type: "tool-call",
      id: "call_46427107",
      name: "weather",
      arguments: '{"location":"San Francisco"}',
    });
    // 588 total = 307 prompt + 26 completion + 255 reasoning
    expect(response.usage).toEqual({
      inputTokens: 63,
      cacheReadTokens: 244,
      cacheWriteTokens: 0,
      outputTokens: 281,
      reasoningTokens: 255,
    });
  });

  it("OpenAI tool call with content null, then the text answer (pydantic-ai cassette)", () => {
    const first = decode(
      readExternalJson(
        "pydantic-ai/extracted/test_openai/test_openai_instructions_with_tool_calls_keep_instructions/01-response.json",
      ),
    );
    expect(first.content).toEqual([
      {
        type: "tool-call",
        id: "call_bhZkmIKKItNGJ41whHUHB7p9",
        name: "get_temperature",
        arguments: '{"city":"Tokyo"}',
      },
    ]);
    expect(first.finishReason).toBe("tool-calls");
    const second = decode(
      readExternalJson(
        "pydantic-ai/extracted/test_openai/test_openai_instructions_with_tool_calls_keep_instructions/02-response.json",
      ),
    );
    expect(second.content).toEqual([
      { type: "text", text: "The temperature in Tokyo is currently 20.0 degrees Celsius." },
    ]);
    expect(second.usage).toMatchObject({ inputTokens: 75, outputTokens: 15 });
  });
});

describe("openai-chat decodeResponse: behaviour", () => {
  it("a refusal is text marked as a refusal, with finish reason refusal", () => {
    const response = decode(body({ content: null, refusal: "I can't help with that." }));
    expect(response.content).toEqual([{ type: "text", text: "I can't help with that.", refusal: true }]);
    expect(response.finishReason).toBe("refusal");
  });

  it("tool calls with finish_reason stop are a tool-calls finish", () => {
    const response = decode(
      body(
        {
          content: null,
          tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        "stop",
      ),
    );
    expect(response.finishReason).toBe("tool-calls");
  });

  it("OpenRouter reasoning + reasoning_details: text thinking and a signed encrypted block", () => {
    const response = decode(
      body({
        content: "hi",
        reasoning: "thinking...",
        reasoning_details: [
          { type: "reasoning.text", text: "thinking...", format: "unknown", index: 0 },
          { type: "reasoning.encrypted", data: "ENC", id: "rs_1", format: "openai-responses-v1", index: 1 },
        ],
      }),
    );
    expect(response.content).toEqual([
      { type: "thinking", text: "thinking..." },
      {
        type: "thinking",
        text: "",
        signature: {
          origin: "openai-chat",
          value:
            '{"type":"reasoning.encrypted","data":"ENC","id":"rs_1","format":"openai-responses-v1","index":1}',
        },
      },
      { type: "text", text: "hi" },
    ]);
  });

  it("prompt_tokens_details.cache_write_tokens and DeepSeek prompt_cache_hit_tokens", () => {
    const written = decode(
      body({ content: "x" }, "stop", {
        prompt_tokens: 100,
        completion_tokens: 5,
        total_tokens: 105,
        prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 50 },
      }),
    );
    expect(written.usage).toEqual({
      inputTokens: 20,
      cacheReadTokens: 30,
      cacheWriteTokens: 50,
      outputTokens: 5,
      reasoningTokens: 0,
    });
    const hit = decode(
      body({ content: "x" }, "stop", {
        prompt_tokens: 40,
        completion_tokens: 1,
        prompt_cache_hit_tokens: 32,
      }),
    );
    expect(hit.usage).toMatchObject({ inputTokens: 8, cacheReadTokens: 32 });
  });

  it("only the first choice is kept, with a warning", () => {
    const response = decode({
      id: "c",
      model: "m",
      created: 1,
      choices: [
        { index: 0, message: { role: "assistant", content: "a" }, finish_reason: "stop" },
        { index: 1, message: { role: "assistant", content: "b" }, finish_reason: "stop" },
      ],
    });
    expect(response.content).toEqual([{ type: "text", text: "a" }]);
    expect(response.warnings.map((warning) => warning.code)).toEqual(["choices_dropped"]);
  });

  it("an error body or a body without choices throws", () => {
    expect(() => decode({ error: { message: "bad", type: "invalid_request_error", code: null } })).toThrow(
      LlmuxError,
    );
    expect(() => decode({ id: "x", choices: [] })).toThrow(/no choices/);
    expect(() => decode("nope")).toThrow(LlmuxError);
  });

  it.each([
    ["stop", "stop"],
    ["length", "length"],
    ["tool_calls", "tool-calls"],
    ["function_call", "tool-calls"],
    ["content_filter", "content-filter"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "context-window"],
    ["something_new", "other"],
  ])("finish_reason %s -> %s", (wire, canonical) => {
    expect(decode(body({ content: "x" }, wire)).finishReason).toBe(canonical);
  });
});

describe("openai-chat encodeResponse", () => {
  const response: CanonicalResponse = {
    id: "msg_1",
    model: "claude-x",
    created: 99,
    content: [
      { type: "thinking", text: "hmm", signature: { origin: "anthropic", value: "sig" } },
      { type: "text", text: "Let me check." },
      { type: "tool-call", id: "toolu_1", name: "f", arguments: '{"a":1}' },
      { type: "tool-call", id: "toolu_2", name: "g", arguments: "" },
    ],
    finishReason: "tool-calls",
    usage: {
      inputTokens: 10,
      cacheReadTokens: 90,
      cacheWriteTokens: 5,
      outputTokens: 40,
      reasoningTokens: 12,
    },
    warnings: [],
  };

  it("reports the client's model; message, tool calls, reasoning_content and usage in Chat shape", () => {
    const wire = openAiChatAdapter.encodeResponse(response, { model: "client-model" }, testContext());
    expect(wire).toEqual({
      id: "msg_1",
      object: "chat.completion",
      created: 99,
      model: "client-model",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "Let me check.",
            refusal: null,
            reasoning_content: "hmm",
            tool_calls: [
              { id: "toolu_1", type: "function", function: { name: "f", arguments: '{"a":1}' } },
              { id: "toolu_2", type: "function", function: { name: "g", arguments: "{}" } },
            ],
          },
          logprobs: null,
          finish_reason: "tool_calls",
        },
      ],
      usage: {
        prompt_tokens: 105,
        completion_tokens: 40,
        total_tokens: 145,
        prompt_tokens_details: { cached_tokens: 90, cache_write_tokens: 5 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    });
    expect(JSON.stringify(wire)).not.toContain("sig");
  });

  it("text marked as a refusal goes in message.refusal with content null", () => {
    const wire = openAiChatAdapter.encodeResponse(
      { ...response, content: [{ type: "text", text: "No.", refusal: true }], finishReason: "refusal" },
      { model: "m" },
      testContext(),
    );
    expect(wire.choices).toEqual([
      {
        index: 0,
        message: { role: "assistant", content: null, refusal: "No." },
        logprobs: null,
        finish_reason: "stop",
      },
    ]);
  });

  it("unmarked text stays content even with a refusal finish (as the stream sends it); marked text beside it is the refusal", () => {
    const unmarked = openAiChatAdapter.encodeResponse(
      { ...response, content: [{ type: "text", text: "Partial." }], finishReason: "refusal" },
      { model: "m" },
      testContext(),
    );
    expect(unmarked.choices).toMatchObject([
      { message: { role: "assistant", content: "Partial.", refusal: null }, finish_reason: "stop" },
    ]);
    const both = openAiChatAdapter.encodeResponse(
      {
        ...response,
        content: [
          { type: "text", text: "Sure, but" },
          { type: "text", text: "I can't do that part.", refusal: true },
        ],
        finishReason: "refusal",
      },
      { model: "m" },
      testContext(),
    );
    expect(both.choices).toMatchObject([
      { message: { content: "Sure, but", refusal: "I can't do that part." } },
    ]);
  });

  it.each<[FinishReason, string]>([
    ["stop", "stop"],
    ["stop-sequence", "stop"],
    ["length", "length"],
    ["context-window", "length"],
    ["tool-calls", "tool_calls"],
    ["content-filter", "content_filter"],
    ["refusal", "stop"],
    ["pause", "stop"],
    ["malformed-tool-call", "stop"],
    ["other", "stop"],
  ])("finish %s -> finish_reason %s", (reason, wire) => {
    const encoded = openAiChatAdapter.encodeResponse(
      { ...response, content: [{ type: "text", text: "x" }], finishReason: reason },
      { model: "m" },
      testContext(),
    );
    expect((encoded.choices as { finish_reason: string }[])[0]?.finish_reason).toBe(wire);
  });

  it("the official SDK returns the encoded body as a typed completion", async () => {
    const wire = openAiChatAdapter.encodeResponse(response, { model: "client-model" }, testContext());
    const client = new OpenAI({
      apiKey: "test",
      baseURL: "http://llmux.test/v1",
      fetch: async () => Response.json(wire),
    });
    const completion = await client.chat.completions.create({
      model: "client-model",
      messages: [{ role: "user", content: "q" }],
    });
    expect(completion.choices[0]?.message.tool_calls?.map((call) => call.id)).toEqual(["toolu_1", "toolu_2"]);
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(90);
  });
});
