import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../model/events.js";
import type { Usage } from "../../model/usage.js";
import { encodeEvents, sseData, testContext } from "./__fixtures__/support.js";
import { openAiChatAdapter } from "./index.js";

const USAGE: Usage = {
  inputTokens: 7,
  cacheReadTokens: 3,
  cacheWriteTokens: 0,
  outputTokens: 20,
  reasoningTokens: 5,
};

const start: StreamEvent = { type: "response-start", id: "msg_1", model: "upstream-model", created: 1234 };

const textEvents: StreamEvent[] = [
  start,
  { type: "text-start", index: 0 },
  { type: "text-delta", index: 0, text: "Hello" },
  { type: "text-delta", index: 0, text: " world" },
  { type: "text-end", index: 0 },
  { type: "usage", usage: USAGE },
  { type: "finish", reason: "stop" },
];

/** Text, then two parallel calls whose arguments stream; the call blocks follow a text index. */
const toolEvents: StreamEvent[] = [
  start,
  { type: "text-start", index: 0 },
  { type: "text-delta", index: 0, text: "Checking." },
  { type: "text-end", index: 0 },
  { type: "tool-call-start", index: 1, id: "toolu_a", name: "get_weather" },
  { type: "tool-call-delta", index: 1, arguments: '{"city":' },
  { type: "tool-call-delta", index: 1, arguments: '"Paris"}' },
  { type: "tool-call-end", index: 1 },
  { type: "tool-call-start", index: 2, id: "toolu_b", name: "get_time" },
  { type: "tool-call-delta", index: 2, arguments: "{}" },
  { type: "tool-call-end", index: 2 },
  { type: "finish", reason: "tool-calls" },
  { type: "usage", usage: USAGE },
];

const reasoningEvents: StreamEvent[] = [
  start,
  { type: "reasoning-start", index: 0 },
  { type: "reasoning-delta", index: 0, text: "Let me think." },
  { type: "reasoning-end", index: 0, signature: { origin: "anthropic", value: "sig-abc" } },
  { type: "reasoning-start", index: 1 },
  {
    type: "reasoning-end",
    index: 1,
    signature: {
      origin: "openai-chat",
      value:
        '{"type":"reasoning.encrypted","data":"enc","id":"rs_1","format":"openai-responses-v1","index":0}',
    },
  },
  { type: "text-start", index: 2 },
  { type: "text-delta", index: 2, text: "Answer." },
  { type: "text-end", index: 2 },
  { type: "usage", usage: USAGE },
  { type: "finish", reason: "stop" },
];

interface WireChunk {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: { index: number; delta: Record<string, unknown>; finish_reason: string | null }[];
  usage?: Record<string, unknown>;
}

function chunks(sse: string): WireChunk[] {
  return sseData(sse).filter((item): item is WireChunk => item !== "[DONE]");
}

function sdkClient(sse: string): OpenAI {
  return new OpenAI({
    apiKey: "test",
    baseURL: "http://llmux.test/v1",
    fetch: async () => new Response(sse, { status: 200, headers: { "content-type": "text/event-stream" } }),
  });
}

async function sdkFinal(sse: string): Promise<OpenAI.Chat.Completions.ChatCompletion> {
  const stream = sdkClient(sse).chat.completions.stream({
    model: "client-model",
    messages: [{ role: "user", content: "hi" }],
  });
  for await (const _chunk of stream) {
    // drain: the helper validates every chunk as it accumulates
  }
  return stream.finalChatCompletion();
}

describe("openai-chat stream encoder: wire shape", () => {
  it("text: role chunk first, content deltas, terminal finish chunk, usage chunk, [DONE]", () => {
    const sse = encodeEvents(textEvents, { model: "client-model", includeUsage: true });
    const payloads = sseData(sse);
    expect(payloads[payloads.length - 1]).toBe("[DONE]");
    const wire = chunks(sse);
    for (const chunk of wire) {
      expect(chunk).toMatchObject({
        id: "msg_1",
        object: "chat.completion.chunk",
        created: 1234,
        model: "client-model",
      });
    }
    expect(wire[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    expect(wire.slice(1, 3).map((chunk) => chunk.choices[0]?.delta.content)).toEqual(["Hello", " world"]);
    expect(wire[3]?.choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    expect(wire[4]?.choices).toEqual([]);
    expect(wire[4]?.usage).toEqual({
      prompt_tokens: 10,
      completion_tokens: 20,
      total_tokens: 30,
      prompt_tokens_details: { cached_tokens: 3 },
      completion_tokens_details: { reasoning_tokens: 5 },
    });
    expect(wire).toHaveLength(5);
  });

  it("no usage chunk unless the client asked for it", () => {
    const wire = chunks(encodeEvents(textEvents, { model: "client-model" }));
    expect(wire.some((chunk) => chunk.usage !== undefined)).toBe(false);
    expect(wire[wire.length - 1]?.choices[0]?.finish_reason).toBe("stop");
  });

  it("parallel tool calls: 0-based indexes, id/type/name only on the first fragment, argument deltas", () => {
    const wire = chunks(encodeEvents(toolEvents, { model: "client-model", includeUsage: true }));
    const toolDeltas = wire.flatMap(
      (chunk) => (chunk.choices[0]?.delta.tool_calls as object[] | undefined) ?? [],
    );
    expect(toolDeltas).toEqual([
      { index: 0, id: "toolu_a", type: "function", function: { name: "get_weather", arguments: "" } },
      { index: 0, function: { arguments: '{"city":' } },
      { index: 0, function: { arguments: '"Paris"}' } },
      { index: 1, id: "toolu_b", type: "function", function: { name: "get_time", arguments: "" } },
      { index: 1, function: { arguments: "{}" } },
    ]);
    const terminal = wire.find(
      (chunk) => chunk.choices[0]?.finish_reason !== null && chunk.choices.length > 0,
    );
    expect(terminal?.choices[0]?.finish_reason).toBe("tool_calls");
    // usage arrived after finish: still emitted, after the terminal chunk
    expect(wire[wire.length - 1]?.usage).toMatchObject({ prompt_tokens: 10 });
  });

  it("reasoning: reasoning_content deltas; only openai-chat encrypted details go out, foreign signatures do not", () => {
    const sse = encodeEvents(reasoningEvents, { model: "client-model" });
    expect(sse).not.toContain("sig-abc");
    const deltas = chunks(sse).map((chunk) => chunk.choices[0]?.delta);
    expect(deltas).toContainEqual({ reasoning_content: "Let me think." });
    expect(deltas).toContainEqual({
      reasoning_details: [
        { type: "reasoning.encrypted", data: "enc", id: "rs_1", format: "openai-responses-v1", index: 0 },
      ],
    });
    expect(deltas).toContainEqual({ content: "Answer." });
  });

  it("separates two text blocks the way the non-stream body joins them", () => {
    const events: StreamEvent[] = [
      start,
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "One." },
      { type: "text-end", index: 0 },
      { type: "text-start", index: 1 },
      { type: "text-delta", index: 1, text: "Two." },
      { type: "text-end", index: 1 },
      { type: "finish", reason: "stop" },
    ];
    const content = chunks(encodeEvents(events, { model: "m" }))
      .map((chunk) => chunk.choices[0]?.delta.content ?? "")
      .join("");
    expect(content).toBe("One.\n\nTwo.");
  });

  it("an error event becomes an in-stream error object, then the stream ends", () => {
    const sse = encodeEvents(
      [
        start,
        { type: "text-start", index: 0 },
        { type: "text-delta", index: 0, text: "par" },
        {
          type: "error",
          error: {
            code: "overloaded",
            status: 529,
            message: "Overloaded",
            retryable: true,
            upstreamType: "overloaded_error",
          },
        },
        { type: "text-delta", index: 0, text: "ignored" },
      ],
      { model: "m", includeUsage: true },
    );
    const payloads = sseData(sse);
    // The stream ends on the error: no [DONE] after it, so no client mistakes it for a clean stop.
    expect(payloads[payloads.length - 1]).toEqual({
      error: { message: "Overloaded", type: "overloaded_error", param: null, code: "overloaded" },
    });
    expect(sse).not.toContain("[DONE]");
    expect(sse).not.toContain("ignored");
    expect(sse).not.toContain('"finish_reason":"stop"');
  });

  it("end() without finish still writes a role chunk, a terminal chunk and [DONE]", () => {
    const sse = encodeEvents([], { model: "m", includeUsage: true });
    const payloads = sseData(sse);
    expect(payloads).toHaveLength(4);
    const wire = chunks(sse);
    expect(wire[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(wire[0]?.id).toBe("chatcmpl-test1");
    expect(wire[1]?.choices[0]?.finish_reason).toBe("stop");
    expect(wire[2]?.usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 0 });
    expect(payloads[3]).toBe("[DONE]");
  });

  it("writes each delta immediately, before the next event arrives", () => {
    const written: string[] = [];
    const encoder = openAiChatAdapter.createStreamEncoder({ model: "m" }, testContext(), (text) =>
      written.push(text),
    );
    encoder.push(start);
    encoder.push({ type: "text-start", index: 0 });
    const before = written.length;
    encoder.push({ type: "text-delta", index: 0, text: "tok" });
    expect(written.length).toBe(before + 1);
    expect(written[written.length - 1]).toContain('"content":"tok"');
    expect(written[written.length - 1]?.endsWith("\n\n")).toBe(true);
  });
});

describe("openai-chat stream encoder: the official openai SDK accepts the stream", () => {
  it("iterates raw chunks with create({stream: true}) and sees the usage chunk", async () => {
    const sse = encodeEvents(textEvents, { model: "client-model", includeUsage: true });
    const stream = await sdkClient(sse).chat.completions.create({
      model: "client-model",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Hello world");
    expect(usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 20 });
  });

  it(".stream() helper: text", async () => {
    const final = await sdkFinal(encodeEvents(textEvents, { model: "client-model", includeUsage: true }));
    expect(final.choices[0]?.message.content).toBe("Hello world");
    expect(final.choices[0]?.finish_reason).toBe("stop");
    expect(final.model).toBe("client-model");
    expect(final.usage?.total_tokens).toBe(30);
  });

  it(".stream() helper: parallel tool calls with streamed arguments", async () => {
    const final = await sdkFinal(encodeEvents(toolEvents, { model: "client-model" }));
    const message = final.choices[0]?.message;
    expect(message?.content).toBe("Checking.");
    expect(message?.tool_calls).toEqual([
      { id: "toolu_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      { id: "toolu_b", type: "function", function: { name: "get_time", arguments: "{}" } },
    ]);
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it(".stream() helper: reasoning with signatures", async () => {
    const final = await sdkFinal(encodeEvents(reasoningEvents, { model: "client-model" }));
    const message = final.choices[0]?.message as unknown as Record<string, unknown>;
    expect(message.content).toBe("Answer.");
    expect(message.reasoning_content).toBe("Let me think.");
  });

  it("a text block marked as a refusal streams as delta.refusal and lands in message.refusal", async () => {
    const events: StreamEvent[] = [
      start,
      { type: "text-start", index: 0, refusal: true },
      { type: "text-delta", index: 0, text: "I can't" },
      { type: "text-delta", index: 0, text: " help." },
      { type: "text-end", index: 0 },
      { type: "finish", reason: "refusal" },
    ];
    const sse = encodeEvents(events, { model: "m" });
    const deltas = chunks(sse).map((chunk) => chunk.choices[0]?.delta);
    expect(deltas.slice(1, 3)).toEqual([{ refusal: "I can't" }, { refusal: " help." }]);
    expect(deltas.some((delta) => typeof delta?.content === "string" && delta.content !== "")).toBe(false);
    const final = await sdkFinal(sse);
    expect(final.choices[0]?.message.refusal).toBe("I can't help.");
    expect(final.choices[0]?.message.content).toBeNull();
    expect(final.choices[0]?.finish_reason).toBe("stop");
    // The non-stream body says the same.
    const body = openAiChatAdapter.encodeResponse(
      {
        id: "msg_1",
        model: "upstream-model",
        created: 1234,
        content: [{ type: "text", text: "I can't help.", refusal: true }],
        finishReason: "refusal",
        usage: USAGE,
        warnings: [],
      },
      { model: "m" },
      testContext(),
    );
    expect(body.choices).toMatchObject([
      { message: { content: null, refusal: "I can't help." }, finish_reason: "stop" },
    ]);
  });

  it("the SDK raises the in-stream error as an APIError", async () => {
    const sse = encodeEvents(
      [
        start,
        { type: "text-delta", index: 0, text: "a" },
        {
          type: "error",
          error: { code: "rate_limited", status: 429, message: "slow down", retryable: true },
        },
      ],
      { model: "m" },
    );
    await expect(sdkFinal(sse)).rejects.toMatchObject({ message: expect.stringContaining("slow down") });
  });

  it("a text-only stream ending in stop parses to a plain message", async () => {
    const final = await sdkFinal(
      encodeEvents(toolEvents.slice(0, 4).concat([{ type: "finish", reason: "stop" }]), { model: "m" }),
    );
    expect(final.choices[0]?.message.content).toBe("Checking.");
    expect(final.choices[0]?.finish_reason).toBe("stop");
  });
});
