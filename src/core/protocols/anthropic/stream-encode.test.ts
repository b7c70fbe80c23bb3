import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../model/events.js";
import type { StreamEncodeOptions } from "../adapter.js";
import { framesOf, parseJson, testContext } from "./__fixtures__/support.js";
import { createAnthropicStreamEncoder } from "./stream-encode.js";

const MODEL = "client-model";

function encode(events: StreamEvent[], options: StreamEncodeOptions = { model: MODEL }, end = true): string {
  let text = "";
  const encoder = createAnthropicStreamEncoder(options, testContext(), (chunk) => {
    text += chunk;
  });
  for (const event of events) encoder.push(event);
  if (end) encoder.end();
  return text;
}

interface WireEvent {
  event: string | undefined;
  data: Record<string, unknown> & { type: string };
}

function wire(sse: string): WireEvent[] {
  return framesOf(sse).map((frame) => ({
    event: frame.event,
    data: parseJson(frame.data) as WireEvent["data"],
  }));
}

/** The official SDK's MessageStream reading `sse` as if from the API. */
async function sdkFinalMessage(sse: string): Promise<Anthropic.Message> {
  const client = new Anthropic({
    apiKey: "test-key",
    maxRetries: 0,
    fetch: async () => new Response(sse, { status: 200, headers: { "content-type": "text/event-stream" } }),
  });
  const stream = client.messages.stream({
    model: MODEL,
    max_tokens: 1024,
    messages: [{ role: "user", content: "hi" }],
  });
  return stream.finalMessage();
}

const start: StreamEvent = {
  type: "response-start",
  id: "msg_upstream",
  model: "upstream-model",
  created: 1,
};
const usage = (inputTokens: number, outputTokens: number, cacheReadTokens = 0): StreamEvent => ({
  type: "usage",
  usage: { inputTokens, cacheReadTokens, cacheWriteTokens: 0, outputTokens, reasoningTokens: 0 },
});

describe("anthropic stream encoder: SDK-facing shape", () => {
  it("writes a text answer the SDK accumulates, reporting the client's model and usage", async () => {
    const sse = encode([
      start,
      usage(10, 1, 5),
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "Hel" },
      { type: "text-delta", index: 0, text: "lo" },
      { type: "text-end", index: 0 },
      usage(10, 7, 5),
      { type: "finish", reason: "stop" },
    ]);
    const events = wire(sse);
    expect(events.map((event) => event.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events.every((event) => event.event === event.data.type)).toBe(true);
    expect(events[0]?.data).toEqual({
      type: "message_start",
      message: {
        id: "msg_upstream",
        type: "message",
        role: "assistant",
        model: MODEL,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: 10,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 5,
          output_tokens: 1,
        },
      },
    });
    expect(events[5]?.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 5,
        output_tokens: 7,
      },
    });
    const message = await sdkFinalMessage(sse);
    expect(message.model).toBe(MODEL);
    expect(message.content).toEqual([{ type: "text", text: "Hello" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage).toMatchObject({ input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 7 });
  });

  it("writes parallel tool calls with streamed arguments at consecutive indexes from 0", async () => {
    const sse = encode([
      start,
      { type: "text-start", index: 2 },
      { type: "text-delta", index: 2, text: "Looking up both." },
      { type: "tool-call-start", index: 5, id: "call_a", name: "weather" },
      { type: "tool-call-delta", index: 5, arguments: '{"city":' },
      { type: "tool-call-delta", index: 5, arguments: '"Paris"}' },
      { type: "tool-call-end", index: 5 },
      { type: "tool-call-start", index: 9, id: "call_b", name: "weather" },
      { type: "tool-call-delta", index: 9, arguments: '{"city":"Rome"}' },
      { type: "tool-call-end", index: 9 },
      { type: "text-end", index: 2 },
      usage(20, 30),
      { type: "finish", reason: "tool-calls" },
    ]);
    const events = wire(sse);
    const starts = events.filter((event) => event.event === "content_block_start").map((event) => event.data);
    expect(starts).toEqual([
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      {
        type: "content_block_start",
        index: 1,
        content_block: { type: "tool_use", id: "call_a", name: "weather", input: {} },
      },
      {
        type: "content_block_start",
        index: 2,
        content_block: { type: "tool_use", id: "call_b", name: "weather", input: {} },
      },
    ]);
    // one block open at a time: every start is preceded by the stop of the block before it
    const names = events.map((event) => `${event.event}:${String(event.data.index ?? "")}`);
    expect(names.indexOf("content_block_stop:0")).toBeLessThan(names.indexOf("content_block_start:1"));
    expect(names.indexOf("content_block_stop:1")).toBeLessThan(names.indexOf("content_block_start:2"));
    const jsonDeltas = events
      .filter((event) => event.event === "content_block_delta")
      .map((event) => event.data.delta as { type: string; partial_json?: string });
    expect(
      jsonDeltas.filter((delta) => delta.type === "input_json_delta").map((delta) => delta.partial_json),
    ).toEqual(['{"city":', '"Paris"}', '{"city":"Rome"}']);
    const message = await sdkFinalMessage(sse);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toEqual([
      { type: "text", text: "Looking up both." },
      { type: "tool_use", id: "call_a", name: "weather", input: { city: "Paris" } },
      { type: "tool_use", id: "call_b", name: "weather", input: { city: "Rome" } },
    ]);
  });

  it("ends a thinking block with its Anthropic signature, and only then", async () => {
    const sse = encode([
      start,
      { type: "reasoning-start", index: 0 },
      { type: "reasoning-delta", index: 0, text: "Let me think." },
      { type: "reasoning-end", index: 0, signature: { origin: "anthropic", value: "sig-abc" } },
      { type: "reasoning-start", index: 1 },
      { type: "reasoning-delta", index: 1, text: "Foreign thought." },
      { type: "reasoning-end", index: 1, signature: { origin: "gemini", value: "gemini-sig" } },
      { type: "reasoning-start", index: 2, redactedData: "opaque" },
      { type: "reasoning-end", index: 2 },
      { type: "text-start", index: 3 },
      { type: "text-delta", index: 3, text: "Answer." },
      { type: "text-end", index: 3 },
      { type: "finish", reason: "stop" },
    ]);
    const events = wire(sse);
    const signatures = events.filter(
      (event) => (event.data.delta as { type?: string } | undefined)?.type === "signature_delta",
    );
    expect(signatures.map((event) => event.data)).toEqual([
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig-abc" } },
      // a foreign signature rides in an envelope the client replays, back to the upstream that issued it
      {
        type: "content_block_delta",
        index: 1,
        delta: { type: "signature_delta", signature: "llmux1:gemini:gemini-sig" },
      },
    ]);
    const message = await sdkFinalMessage(sse);
    expect(message.content).toEqual([
      { type: "thinking", thinking: "Let me think.", signature: "sig-abc" },
      { type: "thinking", thinking: "Foreign thought.", signature: "llmux1:gemini:gemini-sig" },
      { type: "redacted_thinking", data: "opaque" },
      { type: "text", text: "Answer." },
    ]);
  });

  it("sends signature-only thinking, a foreign one enveloped", async () => {
    const sse = encode([
      start,
      { type: "reasoning-start", index: 0, itemId: "rs_1" },
      { type: "reasoning-end", index: 0, signature: { origin: "openai-responses", value: "encrypted" } },
      { type: "reasoning-start", index: 1 },
      { type: "reasoning-end", index: 1, signature: { origin: "anthropic", value: "sig-omitted" } },
      { type: "text-start", index: 2 },
      { type: "text-delta", index: 2, text: "Done." },
      { type: "text-end", index: 2 },
      { type: "finish", reason: "stop" },
    ]);
    const message = await sdkFinalMessage(sse);
    expect(message.content).toEqual([
      { type: "thinking", thinking: "", signature: "llmux1:openai-responses:encrypted" },
      { type: "thinking", thinking: "", signature: "sig-omitted" },
      { type: "text", text: "Done." },
    ]);
  });

  it("puts usage reported only at the end (OpenAI style) into message_delta", async () => {
    const sse = encode([
      start,
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "ok" },
      { type: "text-end", index: 0 },
      usage(100, 3, 40),
      { type: "finish", reason: "length" },
    ]);
    const events = wire(sse);
    const startUsage = (events[0]?.data.message as { usage: unknown } | undefined)?.usage;
    expect(startUsage).toEqual({
      input_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 0,
    });
    const message = await sdkFinalMessage(sse);
    expect(message.stop_reason).toBe("max_tokens");
    expect(message.usage).toMatchObject({ input_tokens: 100, cache_read_input_tokens: 40, output_tokens: 3 });
  });

  it("turns an error event into Anthropic's error event and ends the stream there", async () => {
    let text = "";
    const encoder = createAnthropicStreamEncoder({ model: MODEL }, testContext(), (chunk) => {
      text += chunk;
    });
    for (const event of [
      start,
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "partial" },
    ] satisfies StreamEvent[]) {
      encoder.push(event);
    }
    encoder.push({
      type: "error",
      error: { code: "overloaded", status: 529, message: "upstream overloaded", retryable: true },
    });
    const afterError = text.length;
    encoder.push({ type: "finish", reason: "stop" });
    encoder.end();
    expect(text.length).toBe(afterError);
    const events = wire(text);
    expect(events[events.length - 1]).toEqual({
      event: "error",
      data: { type: "error", error: { type: "overloaded_error", message: "upstream overloaded" } },
    });
    await expect(sdkFinalMessage(text)).rejects.toThrow(/upstream overloaded/);
  });

  it("still ends validly when no finish came", async () => {
    const sse = encode([
      start,
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "cut" },
    ]);
    const events = wire(sse);
    expect(events.slice(-3).map((event) => event.event)).toEqual([
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const message = await sdkFinalMessage(sse);
    expect(message.content).toEqual([{ type: "text", text: "cut" }]);
  });

  it("reports tool_use when an upstream ended a tool-calling turn with a plain stop", async () => {
    const sse = encode([
      start,
      { type: "tool-call-start", index: 0, id: "call_1", name: "now" },
      { type: "tool-call-delta", index: 0, arguments: "{}" },
      { type: "tool-call-end", index: 0 },
      { type: "finish", reason: "stop" },
    ]);
    expect((await sdkFinalMessage(sse)).stop_reason).toBe("tool_use");
  });

  it("wraps a free-form tool's raw input as a JSON object the SDK can parse", async () => {
    const sse = encode([
      start,
      { type: "tool-call-start", index: 0, id: "call_patch", name: "apply_patch", kind: "custom" },
      { type: "tool-call-delta", index: 0, arguments: '*** Begin Patch\n"quoted"' },
      { type: "tool-call-delta", index: 0, arguments: "\n*** End Patch" },
      { type: "tool-call-end", index: 0 },
      { type: "finish", reason: "tool-calls" },
    ]);
    const message = await sdkFinalMessage(sse);
    expect(message.content[0]).toEqual({
      type: "tool_use",
      id: "call_patch",
      name: "apply_patch",
      input: { input: '*** Begin Patch\n"quoted"\n*** End Patch' },
    });
  });

  it("continues text interrupted by another block in a new text block", async () => {
    const sse = encode([
      start,
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "before " },
      { type: "tool-call-start", index: 1, id: "call_1", name: "f" },
      { type: "tool-call-delta", index: 1, arguments: '{"x":1}' },
      { type: "text-delta", index: 0, text: "after" },
      { type: "tool-call-end", index: 1 },
      { type: "text-end", index: 0 },
      { type: "finish", reason: "tool-calls" },
    ]);
    const message = await sdkFinalMessage(sse);
    expect(message.content).toEqual([
      { type: "text", text: "before " },
      { type: "tool_use", id: "call_1", name: "f", input: { x: 1 } },
      { type: "text", text: "after" },
    ]);
  });

  it("holds a call that starts while another is open, and writes it whole when that one ends", async () => {
    const chunks: string[] = [];
    const encoder = createAnthropicStreamEncoder({ model: MODEL }, testContext(), (chunk) =>
      chunks.push(chunk),
    );
    const push = (event: StreamEvent): string => {
      const before = chunks.length;
      encoder.push(event);
      return chunks.slice(before).join("");
    };
    push(start);
    expect(push({ type: "tool-call-start", index: 0, id: "call_w", name: "get_weather" })).toContain(
      '"id":"call_w"',
    );
    // The open call's own fragments leave at once; the later call's wait.
    expect(push({ type: "tool-call-delta", index: 0, arguments: '{"city"' })).toContain("input_json_delta");
    expect(push({ type: "tool-call-start", index: 1, id: "call_t", name: "get_time" })).toBe("");
    expect(push({ type: "tool-call-delta", index: 1, arguments: '{"zone":' })).toBe("");
    expect(push({ type: "tool-call-delta", index: 0, arguments: ':"Par' })).toContain('\\"Par');
    expect(push({ type: "tool-call-delta", index: 1, arguments: '"Asia/Tokyo"}' })).toBe("");
    push({ type: "tool-call-delta", index: 0, arguments: 'is"}' });
    const released = push({ type: "tool-call-end", index: 0 });
    expect(released).toContain('"id":"call_t"');
    expect(released).toContain("Asia/Tokyo");
    push({ type: "tool-call-end", index: 1 });
    push({ type: "finish", reason: "tool-calls" });
    const sse = chunks.join("");
    const starts = wire(sse).filter((event) => event.event === "content_block_start");
    expect(starts.map((event) => event.data.index)).toEqual([0, 1]);
    const message = await sdkFinalMessage(sse);
    expect(message.content).toEqual([
      { type: "tool_use", id: "call_w", name: "get_weather", input: { city: "Paris" } },
      { type: "tool_use", id: "call_t", name: "get_time", input: { zone: "Asia/Tokyo" } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
  });

  it("writes held calls in the order they started, whichever ends first, and flushes them at the finish", async () => {
    const sse = encode([
      start,
      { type: "tool-call-start", index: 0, id: "call_a", name: "a" },
      { type: "tool-call-start", index: 1, id: "call_b", name: "b" },
      { type: "tool-call-start", index: 2, id: "call_c", name: "c" },
      { type: "tool-call-delta", index: 1, arguments: '{"b":1}' },
      { type: "tool-call-end", index: 1 },
      { type: "tool-call-delta", index: 2, arguments: '{"c":' },
      { type: "tool-call-delta", index: 0, arguments: '{"a":1}' },
      { type: "tool-call-end", index: 0 },
      { type: "tool-call-delta", index: 2, arguments: "1}" },
      { type: "text-start", index: 3 },
      { type: "text-delta", index: 3, text: "Done." },
      // No ends for call_c and the text: the finish flushes what is held.
      { type: "finish", reason: "tool-calls" },
    ]);
    const message = await sdkFinalMessage(sse);
    expect(message.content).toEqual([
      { type: "tool_use", id: "call_a", name: "a", input: { a: 1 } },
      { type: "tool_use", id: "call_b", name: "b", input: { b: 1 } },
      { type: "tool_use", id: "call_c", name: "c", input: { c: 1 } },
      { type: "text", text: "Done." },
    ]);
  });

  it("sends no empty text block and no stop sequence it was not given", () => {
    const sse = encode([
      start,
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "" },
      { type: "text-end", index: 0 },
      { type: "finish", reason: "stop-sequence", stopSequence: "###" },
    ]);
    const events = wire(sse);
    expect(events.some((event) => event.event === "content_block_start")).toBe(false);
    expect(events.find((event) => event.event === "message_delta")?.data.delta).toEqual({
      stop_reason: "stop_sequence",
      stop_sequence: "###",
    });
  });

  it("lets the first token leave with the event that carried it", () => {
    const chunks: string[] = [];
    const encoder = createAnthropicStreamEncoder({ model: MODEL }, testContext(), (chunk) =>
      chunks.push(chunk),
    );
    encoder.push(start);
    encoder.push({ type: "text-start", index: 0 });
    expect(chunks).toEqual([]);
    encoder.push({ type: "text-delta", index: 0, text: "First" });
    expect(chunks.join("")).toContain('"text":"First"');
    expect(chunks[0]).toContain("event: message_start");
  });

  it("writes only the error event when the stream fails before anything was sent", () => {
    const sse = encode([
      start,
      { type: "error", error: { code: "rate_limited", status: 429, message: "slow down", retryable: true } },
    ]);
    expect(sse).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}\n\n',
    );
  });
});
