import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../model/events.js";
import type { SseFrame } from "../../sse/frame.js";
import {
  accumulateEvents,
  chunksToSse,
  decodeSse,
  readExternal,
  testContext,
} from "./__fixtures__/support.js";
import { openAiChatAdapter } from "./index.js";

const chunk = (delta: object, extra: object = {}): string =>
  `data: ${JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta, finish_reason: null }],
    ...extra,
  })}\n\n`;
const finishChunk = (reason: string): string =>
  `data: ${JSON.stringify({ id: "chatcmpl-1", choices: [{ index: 0, delta: {}, finish_reason: reason }] })}\n\n`;
const DONE = "data: [DONE]\n\n";

function types(events: readonly StreamEvent[]): string[] {
  return events.map((event) => event.type);
}

function fixture(file: string): string {
  const text = readExternal(file);
  return file.endsWith(".chunks.txt") ? chunksToSse(text) : text;
}

/** Every block follows start -> delta* -> end with unique increasing indexes; finish comes last. */
function expectWellFormed(events: readonly StreamEvent[]): void {
  expect(events[0]?.type).toBe("response-start");
  const open = new Set<number>();
  let lastStarted = -1;
  for (const event of events) {
    if (event.type.endsWith("-start") && event.type !== "response-start" && "index" in event) {
      expect(event.index).toBeGreaterThan(lastStarted);
      lastStarted = event.index;
      open.add(event.index);
    } else if ((event.type.endsWith("-delta") || event.type.endsWith("-end")) && "index" in event) {
      expect(open.has(event.index)).toBe(true);
      if (event.type.endsWith("-end")) open.delete(event.index);
    }
  }
  const last = events[events.length - 1];
  if (last?.type === "finish") expect(open.size).toBe(0);
  expect(events.filter((event) => event.type === "finish" || event.type === "error")).toHaveLength(1);
}

describe("openai-chat stream decoder: recorded traffic", () => {
  it("OpenAI text stream: text deltas, usage chunk after finish_reason, finish stop", () => {
    const events = decodeSse(fixture("vercel-ai/openai/chat/openai-text.chunks.txt"));
    expectWellFormed(events);
    const response = accumulateEvents(events);
    expect(response.id).toBe("chatcmpl-D8Z5oo6uDh67AD85p73ksdT1KxhE0");
    expect(response.model).toBe("gpt-4.1-nano-2025-04-14");
    expect(response.content).toHaveLength(1);
    expect(response.content[0]?.type).toBe("text");
    const text = response.content[0]?.type === "text" ? response.content[0].text : "";
    expect(text.startsWith("**Holiday")).toBe(true);
    expect(text.endsWith("respect.")).toBe(true);
    expect(response.finishReason).toBe("stop");
    expect(response.usage).toEqual({
      inputTokens: 16,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 300,
      reasoningTokens: 0,
    });
    expect(types(events).slice(-2)).toEqual(["text-end", "finish"]);
  });

  it("Azure model router: the empty prompt-filter chunk starts nothing; id and model come from the real chunk", () => {
    const events = decodeSse(fixture("vercel-ai/openai/chat/azure-model-router.1.chunks.txt"));
    expectWellFormed(events);
    expect(events[0]).toEqual({
      type: "response-start",
      id: "chatcmpl-CYPS1lijGoK8gd9lYzY3r9Sx50nbt",
      model: "gpt-5-nano-2025-08-07",
      created: 1762317021,
    });
    const response = accumulateEvents(events);
    expect(response.content).toEqual([{ type: "text", text: "Capital of Denmark." }]);
    expect(response.usage.reasoningTokens).toBe(64);
    expect(response.usage.outputTokens).toBe(78);
  });

  it("DeepSeek: reasoning_content block, then a tool call; cache hits taken out of input", () => {
    const events = decodeSse(fixture("vercel-ai/deepseek/chat/deepseek-tool-call.chunks.txt"));
    expectWellFormed(events);
    const response = accumulateEvents(events);
    expect(response.content.map((part) => part.type)).toEqual(["thinking", "tool-call"]);
    const thinking = response.content[0];
    expect(thinking?.type === "thinking" && thinking.text.startsWith("The user is asking")).toBe(true);
    expect(thinking?.type === "thinking" && thinking.signature).toBe(undefined);
    expect(response.content[1]).toEqual({
      type: "tool-call",
      id: "call_00_ioIn7yN9p1ZOMNpDLwd4MgAF",
      name: "weather",
      arguments: '{"location": "San Francisco"}',
    });
    expect(response.finishReason).toBe("tool-calls");
    expect(response.usage).toEqual({
      inputTokens: 19,
      cacheReadTokens: 320,
      cacheWriteTokens: 0,
      outputTokens: 83,
      reasoningTokens: 39,
    });
  });

  it("DeepSeek reasoning then text: two blocks, reasoning first", () => {
    const events = decodeSse(fixture("vercel-ai/deepseek/chat/deepseek-reasoning.chunks.txt"));
    expectWellFormed(events);
    const response = accumulateEvents(events);
    expect(response.content.map((part) => part.type)).toEqual(["thinking", "text"]);
    const text = response.content[1];
    expect(text?.type === "text" && text.text.startsWith("The word")).toBe(true);
    expect(response.usage.reasoningTokens).toBe(205);
    expect(response.usage.outputTokens).toBe(219);
  });

  it("xAI: a whole tool call in one fragment; completion_tokens without reasoning is corrected", () => {
    const events = decodeSse(fixture("vercel-ai/openai-compatible/chat/xai-tool-call.chunks.txt"));
    expectWellFormed(events);
    const response = accumulateEvents(events);
    expect(response.content[1]).toEqual({
      type: "tool-call",
      id: "call_79382389",
      name: "weather",
      arguments: '{"location":"San Francisco"}',
    });
    // total_tokens 560 = 307 prompt + 26 completion + 227 reasoning: output includes reasoning.
    expect(response.usage).toEqual({
      inputTokens: 1,
      cacheReadTokens: 306,
      cacheWriteTokens: 0,
      outputTokens: 253,
      reasoningTokens: 227,
    });
  });

  it("OpenAI-compatible Claude: tool index 1 after text, empty first fragment, [DONE]", () => {
    const events = decodeSse(fixture("vercel-ai/openai-compatible/chat/anthropic-fallback-tool-call.sse"));
    expectWellFormed(events);
    expect(types(events)).toEqual([
      "response-start",
      "text-start",
      "text-delta",
      "text-delta",
      "text-end",
      "tool-call-start",
      "tool-call-delta",
      "tool-call-delta",
      "tool-call-end",
      "finish",
    ]);
    const response = accumulateEvents(events);
    expect(response.content).toEqual([
      { type: "text", text: "Reading it." },
      { type: "tool-call", id: "toolu_sanitized", name: "read_file", arguments: '{"path": "a.txt"}' },
    ]);
    expect(response.finishReason).toBe("tool-calls");
  });

  it("OpenAI tool-call stream (pydantic-ai cassette): role+tool call in the first chunk, usage, [DONE]", () => {
    const events = decodeSse(
      fixture("pydantic-ai/extracted/test_openai/test_run_stream_sync_streams_real_model/01-response.sse"),
    );
    expectWellFormed(events);
    const response = accumulateEvents(events);
    expect(response.content).toEqual([
      {
        type: "tool-call",
        id: "call_ZR5UUuTt3pf61kjwAJIYdVMj",
        name: "get_capital",
        arguments: '{"country":"UK"}',
      },
    ]);
    expect(response.finishReason).toBe("tool-calls");
    expect(response.usage.inputTokens).toBe(53);
    expect(response.usage.outputTokens).toBe(15);
    const second = accumulateEvents(
      decodeSse(
        fixture("pydantic-ai/extracted/test_openai/test_run_stream_sync_streams_real_model/02-response.sse"),
      ),
    );
    expect(second.content).toEqual([{ type: "text", text: "The capital of the UK is London." }]);
    expect(second.finishReason).toBe("stop");
  });

  it("OpenRouter: keep-alive comments, reasoning, finish length, then an in-stream error -> error event", () => {
    const events = decodeSse(
      fixture("pydantic-ai/extracted/test_openrouter/test_openrouter_stream_error/01-response.sse"),
    );
    expect(events[0]?.type).toBe("response-start");
    const last = events[events.length - 1];
    expect(last?.type).toBe("error");
    expect(last?.type === "error" && last.error).toMatchObject({
      code: "invalid_request",
      status: 400,
      message: "Token limit reached",
    });
    expect(events.some((event) => event.type === "finish")).toBe(false);
    const response = accumulateEvents(events);
    expect(response.content).toEqual([
      { type: "thinking", text: "We need to respond to a greeting. The user" },
    ]);
    expect(response.usage.inputTokens).toBe(43);
  });

  it("OpenRouter o3: encrypted reasoning_details become a signed thinking block, text follows", () => {
    const events = decodeSse(
      fixture("pydantic-ai/extracted/test_openrouter/test_openrouter_stream_with_reasoning/01-response.sse"),
    );
    expectWellFormed(events);
    const response = accumulateEvents(events);
    expect(response.content.map((part) => part.type)).toEqual(["thinking", "text"]);
    const thinking = response.content[0];
    expect(thinking?.type).toBe("thinking");
    if (thinking?.type === "thinking") {
      expect(thinking.signature?.origin).toBe("openai-chat");
      expect(thinking.signature?.value).toContain('"type":"reasoning.encrypted"');
      expect(thinking.signature?.value).toContain("rs_0aa4f2c435e6d1dc0169082486816c8193a029b5fc4ef1764f");
    }
    const text = response.content[1];
    expect(text?.type === "text" && text.text.startsWith("I’m ChatGPT")).toBe(true);
    expect(response.finishReason).toBe("stop");
    expect(response.usage.outputTokens).toBe(104);
  });
});

describe("openai-chat stream decoder: behaviour", () => {
  it("routes argument fragments by index: two parallel calls are never glued", () => {
    const sse =
      chunk({
        tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "f", arguments: "" } }],
      }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }) +
      chunk({
        tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "g", arguments: "" } }],
      }) +
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{"y":2}' } }] }) +
      finishChunk("tool_calls") +
      DONE;
    const response = accumulateEvents(decodeSse(sse));
    expect(response.content).toEqual([
      { type: "tool-call", id: "call_a", name: "f", arguments: '{"x":1}' },
      { type: "tool-call", id: "call_b", name: "g", arguments: '{"y":2}' },
    ]);
  });

  it("interleaved fragments of two calls keep both open and lose nothing (routed by index)", () => {
    const start = (index: number, id: string, name: string) =>
      chunk({ tool_calls: [{ index, id, type: "function", function: { name, arguments: "" } }] });
    const fragment = (index: number, text: string) =>
      chunk({ tool_calls: [{ index, function: { arguments: text } }] });
    const sse =
      start(0, "call_w", "get_weather") +
      fragment(0, '{"city"') +
      start(1, "call_t", "get_time") +
      fragment(1, '{"zone":') +
      fragment(0, ':"Par') +
      fragment(1, '"Asia/Tokyo"}') +
      fragment(0, 'is"}') +
      finishChunk("tool_calls") +
      DONE;
    const events = decodeSse(sse);
    expectWellFormed(events);
    // Neither call ends before the finish; no "{}" is invented for the first one.
    expect(types(events).slice(-3)).toEqual(["tool-call-end", "tool-call-end", "finish"]);
    expect(events).not.toContainEqual({ type: "tool-call-delta", index: 0, arguments: "{}" });
    expect(accumulateEvents(events).content).toEqual([
      { type: "tool-call", id: "call_w", name: "get_weather", arguments: '{"city":"Paris"}' },
      { type: "tool-call", id: "call_t", name: "get_time", arguments: '{"zone":"Asia/Tokyo"}' },
    ]);
  });

  it("a new id at an index closes only the call that held that index", () => {
    const sse =
      chunk({ tool_calls: [{ index: 0, id: "call_a", function: { name: "f", arguments: '{"a":' } }] }) +
      chunk({ tool_calls: [{ index: 1, id: "call_b", function: { name: "g", arguments: '{"b":' } }] }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }) +
      chunk({ tool_calls: [{ index: 0, id: "call_c", function: { name: "h", arguments: "{}" } }] }) +
      chunk({ tool_calls: [{ index: 1, function: { arguments: "2}" } }] }) +
      finishChunk("tool_calls") +
      DONE;
    const events = decodeSse(sse);
    expectWellFormed(events);
    const firstEnd = events.findIndex((event) => event.type === "tool-call-end");
    expect(events[firstEnd]).toEqual({ type: "tool-call-end", index: 0 });
    expect(events[firstEnd + 1]).toMatchObject({ type: "tool-call-start", index: 2, id: "call_c" });
    expect(accumulateEvents(events).content).toEqual([
      { type: "tool-call", id: "call_a", name: "f", arguments: '{"a":1}' },
      { type: "tool-call", id: "call_b", name: "g", arguments: '{"b":2}' },
      { type: "tool-call", id: "call_c", name: "h", arguments: "{}" },
    ]);
  });

  it("the same index arriving again with a new id is a new call", () => {
    const sse =
      chunk({ tool_calls: [{ index: 0, id: "call_a", function: { name: "f", arguments: "{}" } }] }) +
      chunk({ tool_calls: [{ index: 0, id: "call_b", function: { name: "g", arguments: '{"k":1}' } }] }) +
      finishChunk("tool_calls") +
      DONE;
    const events = decodeSse(sse);
    expectWellFormed(events);
    expect(accumulateEvents(events).content).toEqual([
      { type: "tool-call", id: "call_a", name: "f", arguments: "{}" },
      { type: "tool-call", id: "call_b", name: "g", arguments: '{"k":1}' },
    ]);
  });

  it("a call whose id is repeated on every fragment stays one call", () => {
    const sse =
      chunk({ tool_calls: [{ index: 0, id: "call_a", function: { name: "f", arguments: '{"a"' } }] }) +
      chunk({ tool_calls: [{ index: 0, id: "call_a", function: { arguments: ":1}" } }] }) +
      finishChunk("tool_calls") +
      DONE;
    expect(accumulateEvents(decodeSse(sse)).content).toEqual([
      { type: "tool-call", id: "call_a", name: "f", arguments: '{"a":1}' },
    ]);
  });

  it('a call without argument text ends with "{}" (as an explicit delta)', () => {
    const sse =
      chunk({ tool_calls: [{ index: 0, id: "call_a", function: { name: "now", arguments: "" } }] }) +
      finishChunk("tool_calls") +
      DONE;
    const events = decodeSse(sse);
    expect(events).toContainEqual({ type: "tool-call-delta", index: 0, arguments: "{}" });
    expect(accumulateEvents(events).content[0]).toMatchObject({ arguments: "{}" });
  });

  it("calls without ids get ids from the context; tool calls ending with 'stop' are a tool-calls finish", () => {
    const sse =
      chunk({ tool_calls: [{ index: 0, function: { name: "f", arguments: "{}" } }] }) +
      finishChunk("stop") +
      DONE;
    const response = accumulateEvents(decodeSse(sse));
    expect(response.content[0]).toMatchObject({ type: "tool-call", id: "call_test1", name: "f" });
    expect(response.finishReason).toBe("tool-calls");
  });

  it("unwraps multi_tool_use.parallel into its inner calls", () => {
    const wrapped = JSON.stringify({
      tool_uses: [
        { recipient_name: "functions.get_weather", parameters: { city: "Paris" } },
        { recipient_name: "functions.get_time", parameters: {} },
      ],
    });
    const sse =
      chunk({
        tool_calls: [
          { index: 0, id: "call_p", function: { name: "multi_tool_use.parallel", arguments: "" } },
        ],
      }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: wrapped.slice(0, 20) } }] }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: wrapped.slice(20) } }] }) +
      finishChunk("tool_calls") +
      DONE;
    const events = decodeSse(sse);
    expectWellFormed(events);
    expect(accumulateEvents(events).content).toEqual([
      { type: "tool-call", id: "call_p_0", name: "get_weather", arguments: '{"city":"Paris"}' },
      { type: "tool-call", id: "call_p_1", name: "get_time", arguments: "{}" },
    ]);
  });

  it("a refusal delta is a text block marked as a refusal, with finish reason refusal", () => {
    const sse =
      chunk({ role: "assistant", refusal: "I can't" }) +
      chunk({ refusal: " help." }) +
      finishChunk("stop") +
      DONE;
    const events = decodeSse(sse);
    expect(events[1]).toEqual({ type: "text-start", index: 0, refusal: true });
    const response = accumulateEvents(events);
    expect(response.content).toEqual([{ type: "text", text: "I can't help.", refusal: true }]);
    expect(response.finishReason).toBe("refusal");
  });

  it("content then a refusal are two text blocks, only the second marked", () => {
    const sse =
      chunk({ content: "Sure." }) + chunk({ refusal: "But not that." }) + finishChunk("stop") + DONE;
    const events = decodeSse(sse);
    expectWellFormed(events);
    expect(accumulateEvents(events).content).toEqual([
      { type: "text", text: "Sure." },
      { type: "text", text: "But not that.", refusal: true },
    ]);
  });

  it("holds finish until the usage chunk and [DONE]: usage comes before finish", () => {
    const usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 };
    const sse =
      chunk({ content: "hi" }) +
      finishChunk("length") +
      `data: ${JSON.stringify({ id: "chatcmpl-1", choices: [], usage })}\n\n` +
      DONE;
    const events = decodeSse(sse);
    expect(types(events).slice(-3)).toEqual(["usage", "text-end", "finish"]);
    expect(events[events.length - 1]).toEqual({ type: "finish", reason: "length" });
  });

  it("a stream cut without [DONE] after a finish_reason finishes normally", () => {
    const events = decodeSse(chunk({ content: "done" }) + finishChunk("stop"));
    expect(events[events.length - 1]).toEqual({ type: "finish", reason: "stop" });
  });

  it("a stream cut without [DONE] and without finish_reason is upstream_incomplete, never a clean stop", () => {
    const events = decodeSse(chunk({ content: "partial" }));
    const last = events[events.length - 1];
    expect(last?.type).toBe("error");
    expect(last?.type === "error" && last.error.code).toBe("upstream_incomplete");
    expect(events.some((event) => event.type === "finish")).toBe(false);
  });

  it("[DONE] with no output at all is upstream_incomplete", () => {
    const events = decodeSse(DONE);
    expect(events).toHaveLength(1);
    expect(events[0]?.type === "error" && events[0].error.code).toBe("upstream_incomplete");
  });

  it("an `error` object in a chunk becomes an error event with the upstream's type", () => {
    const error = {
      message: "Rate limit reached",
      type: "rate_limit_error",
      param: null,
      code: "rate_limit_exceeded",
    };
    const events = decodeSse(`${chunk({ content: "a" })}data: ${JSON.stringify({ error })}\n\n${DONE}`);
    const last = events[events.length - 1];
    expect(last?.type === "error" && last.error).toMatchObject({
      code: "rate_limited",
      status: 429,
      retryable: true,
      upstreamType: "rate_limit_error",
    });
  });

  it("synthesizes id and model when the first chunk lacks them", () => {
    const events = decodeSse(
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "x" } }] })}\n\n${DONE}`,
    );
    expect(events[0]).toEqual({
      type: "response-start",
      id: "chatcmpl-test1",
      model: "",
      created: 1_700_000_000,
    });
  });

  it("ignores other choices, unknown delta fields and non-data frames", () => {
    const sse =
      `data: ${JSON.stringify({ id: "c", choices: [{ index: 1, delta: { content: "other" } }] })}\n\n` +
      chunk({ content: "mine", audio: { id: "x" }, annotations: [] }) +
      finishChunk("stop") +
      DONE;
    expect(accumulateEvents(decodeSse(sse)).content).toEqual([{ type: "text", text: "mine" }]);
  });

  it("emits a text delta as soon as its frame arrives (no buffering)", () => {
    const events: StreamEvent[] = [];
    const decoder = openAiChatAdapter.createStreamDecoder(testContext(), (event) => events.push(event));
    const frame: SseFrame = {
      data: JSON.stringify({ id: "c", choices: [{ index: 0, delta: { content: "Hel" } }] }),
    };
    decoder.push(frame);
    expect(events).toContainEqual({ type: "text-delta", index: 0, text: "Hel" });
    decoder.push({ data: JSON.stringify({ id: "c", choices: [{ index: 0, delta: { content: "lo" } }] }) });
    expect(events[events.length - 1]).toEqual({ type: "text-delta", index: 0, text: "lo" });
  });
});
