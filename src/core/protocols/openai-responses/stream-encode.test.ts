import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../model/events.js";
import type { JsonObject } from "../../model/json.js";
import { SseDecoder } from "../../sse/decoder.js";
import type { SseFrame } from "../../sse/frame.js";
import { parseJson, testContext } from "./__fixtures__/fixtures.js";
import { openAiResponsesAdapter } from "./index.js";

interface Encoded {
  writes: string[];
  text: string;
  frames: SseFrame[];
  payloads: JsonObject[];
}

function encodeEvents(events: readonly StreamEvent[], close = true): Encoded {
  const writes: string[] = [];
  const encoder = openAiResponsesAdapter.createStreamEncoder(
    { model: "client-model" },
    testContext(),
    (text) => writes.push(text),
  );
  for (const event of events) encoder.push(event);
  if (close) encoder.end();
  const text = writes.join("");
  const frames: SseFrame[] = [];
  const framer = new SseDecoder((frame) => frames.push(frame));
  framer.push(Buffer.from(text));
  framer.end();
  return { writes, text, frames, payloads: frames.map((frame) => parseJson(frame.data) as JsonObject) };
}

function types(encoded: Encoded): string[] {
  return encoded.payloads.map((payload) => String(payload.type));
}

/** The official SDK's `responses.stream()` helper reading what the encoder wrote. */
async function readWithSdk(text: string) {
  const client = new OpenAI({
    apiKey: "test-key",
    baseURL: "http://llmux.test/v1",
    maxRetries: 0,
    fetch: async () => new Response(text, { status: 200, headers: { "content-type": "text/event-stream" } }),
  });
  const stream = client.responses.stream({ model: "client-model", input: "hi" });
  const seen: string[] = [];
  const textDeltas: string[] = [];
  stream.on("response.output_text.delta", (event) => textDeltas.push(event.snapshot));
  for await (const event of stream) seen.push(event.type);
  return { seen, textDeltas, final: await stream.finalResponse() };
}

const START: StreamEvent = {
  type: "response-start",
  id: "resp_up",
  model: "upstream-model",
  created: 1700000000,
};
const USAGE: StreamEvent = {
  type: "usage",
  usage: { inputTokens: 10, cacheReadTokens: 20, cacheWriteTokens: 0, outputTokens: 7, reasoningTokens: 3 },
};

const TEXT_STREAM: StreamEvent[] = [
  START,
  { type: "text-start", index: 0 },
  { type: "text-delta", index: 0, text: "Hel" },
  { type: "text-delta", index: 0, text: "lo" },
  { type: "text-end", index: 0 },
  USAGE,
  { type: "finish", reason: "stop" },
];

describe("stream encoder: text", () => {
  const encoded = encodeEvents(TEXT_STREAM);

  it("writes the full event sequence with increasing sequence numbers", () => {
    expect(types(encoded)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(encoded.payloads.map((payload) => payload.sequence_number)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(encoded.frames.every((frame, position) => frame.event === types(encoded)[position])).toBe(true);
  });

  it("writes nothing for response-start alone, so an upstream error before any output can fail over", () => {
    const writes: string[] = [];
    const encoder = openAiResponsesAdapter.createStreamEncoder({ model: "m" }, testContext(), (text) =>
      writes.push(text),
    );
    encoder.push(START);
    encoder.push(USAGE);
    expect(writes).toEqual([]);
    encoder.push({ type: "text-start", index: 0 });
    expect(writes.slice(0, 2).map((write) => write.split("\n")[0])).toEqual([
      "event: response.created",
      "event: response.in_progress",
    ]);
    expect(writes[0]).toContain('"id":"resp_up"');
  });

  it("writes whole frames, the first token with the event that carried it", () => {
    expect(encoded.writes.every((write) => write.endsWith("\n\n"))).toBe(true);
    const writes: string[] = [];
    const encoder = openAiResponsesAdapter.createStreamEncoder({ model: "m" }, testContext(), (text) =>
      writes.push(text),
    );
    encoder.push(START);
    encoder.push({ type: "text-start", index: 0 });
    encoder.push({ type: "text-delta", index: 0, text: "first" });
    expect(writes.at(-1)).toContain('"delta":"first"');
  });

  it("reports the client's model and ends with the whole response and its usage", () => {
    const completed = encoded.payloads.at(-1)?.response as JsonObject;
    expect(completed).toMatchObject({
      id: "resp_up",
      object: "response",
      status: "completed",
      model: "client-model",
      created_at: 1700000000,
      usage: {
        input_tokens: 30,
        input_tokens_details: { cached_tokens: 20 },
        output_tokens: 7,
        output_tokens_details: { reasoning_tokens: 3 },
        total_tokens: 37,
      },
    });
    expect(completed.output).toEqual([
      {
        id: "msg_1",
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Hello", annotations: [], logprobs: [] }],
      },
    ]);
  });

  it("is read by the official SDK's responses.stream() helper", async () => {
    const { seen, textDeltas, final } = await readWithSdk(encoded.text);
    expect(seen).toEqual(types(encoded));
    expect(textDeltas).toEqual(["Hel", "Hello"]);
    expect(final.output_text).toBe("Hello");
    expect(final.status).toBe("completed");
    expect(final.usage?.input_tokens).toBe(30);
  });
});

describe("stream encoder: parallel tool calls with streamed arguments", () => {
  const encoded = encodeEvents([
    START,
    USAGE,
    { type: "text-start", index: 0 },
    { type: "text-delta", index: 0, text: "Checking both." },
    { type: "tool-call-start", index: 1, id: "toolu_a", name: "weather" },
    { type: "tool-call-start", index: 2, id: "toolu_b", name: "time" },
    { type: "tool-call-delta", index: 1, arguments: '{"city":' },
    { type: "tool-call-delta", index: 2, arguments: '{"tz":"CET"}' },
    { type: "tool-call-delta", index: 1, arguments: '"Rome"}' },
    { type: "tool-call-end", index: 2 },
    { type: "tool-call-end", index: 1 },
    { type: "tool-call-start", index: 3, id: "toolu_c", name: "now" },
    { type: "tool-call-end", index: 3 },
    { type: "finish", reason: "tool-calls" },
  ]);

  it("routes each argument delta to its own item", () => {
    const deltas = encoded.payloads.filter(
      (payload) => payload.type === "response.function_call_arguments.delta",
    );
    expect(deltas.map((payload) => [payload.item_id, payload.output_index, payload.delta])).toEqual([
      ["fc_2", 1, '{"city":'],
      ["fc_3", 2, '{"tz":"CET"}'],
      ["fc_2", 1, '"Rome"}'],
    ]);
    const done = encoded.payloads.filter(
      (payload) => payload.type === "response.function_call_arguments.done",
    );
    expect(done.map((payload) => payload.arguments)).toEqual(['{"tz":"CET"}', '{"city":"Rome"}', "{}"]);
  });

  it("closes an unfinished text item before the terminal event", () => {
    const completed = encoded.payloads.at(-1);
    expect(completed?.type).toBe("response.completed");
    expect(completed?.response).toHaveProperty("output");
    expect((completed?.response as JsonObject | undefined)?.output).toEqual([
      {
        id: "msg_1",
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Checking both.", annotations: [], logprobs: [] }],
      },
      {
        id: "fc_2",
        type: "function_call",
        status: "completed",
        arguments: '{"city":"Rome"}',
        call_id: "toolu_a",
        name: "weather",
      },
      {
        id: "fc_3",
        type: "function_call",
        status: "completed",
        arguments: '{"tz":"CET"}',
        call_id: "toolu_b",
        name: "time",
      },
      {
        id: "fc_4",
        type: "function_call",
        status: "completed",
        arguments: "{}",
        call_id: "toolu_c",
        name: "now",
      },
    ]);
  });

  it("gives the SDK complete function calls", async () => {
    const { final } = await readWithSdk(encoded.text);
    const calls = final.output.filter((item) => item.type === "function_call");
    expect(calls.map((call) => [call.call_id, call.name, call.arguments])).toEqual([
      ["toolu_a", "weather", '{"city":"Rome"}'],
      ["toolu_b", "time", '{"tz":"CET"}'],
      ["toolu_c", "now", "{}"],
    ]);
  });

  it("streams a custom tool's input", () => {
    const custom = encodeEvents([
      START,
      { type: "tool-call-start", index: 0, id: "call_p", name: "apply_patch", kind: "custom" },
      { type: "tool-call-delta", index: 0, arguments: "*** Begin Patch" },
      { type: "tool-call-end", index: 0 },
      { type: "finish", reason: "tool-calls" },
    ]);
    expect(types(custom).slice(2, 6)).toEqual([
      "response.output_item.added",
      "response.custom_tool_call_input.delta",
      "response.custom_tool_call_input.done",
      "response.output_item.done",
    ]);
    expect(custom.payloads[5]?.item).toEqual({
      id: "ctc_1",
      type: "custom_tool_call",
      status: "completed",
      call_id: "call_p",
      name: "apply_patch",
      input: "*** Begin Patch",
    });
  });
});

describe("stream encoder: reasoning", () => {
  const encoded = encodeEvents([
    START,
    { type: "reasoning-start", index: 0, itemId: "rs_up" },
    { type: "reasoning-delta", index: 0, text: "First, " },
    { type: "reasoning-delta", index: 0, text: "look." },
    { type: "reasoning-end", index: 0 },
    { type: "reasoning-start", index: 1, itemId: "rs_up" },
    { type: "reasoning-delta", index: 1, text: "Then answer." },
    { type: "reasoning-end", index: 1, signature: { origin: "openai-responses", value: "gAAAAnative" } },
    { type: "reasoning-start", index: 2 },
    { type: "reasoning-delta", index: 2, text: "Claude thinks." },
    { type: "reasoning-end", index: 2, signature: { origin: "anthropic", value: "EqQBsig" } },
    { type: "reasoning-start", index: 3, redactedData: "opaque" },
    { type: "reasoning-end", index: 3 },
    { type: "text-start", index: 4 },
    { type: "text-delta", index: 4, text: "Answer." },
    { type: "text-end", index: 4 },
    { type: "finish", reason: "stop" },
  ]);

  it("streams summary parts, joining blocks of one reasoning item", () => {
    expect(types(encoded).slice(2, 13)).toEqual([
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
    ]);
    const secondPart = encoded.payloads[9];
    expect(secondPart).toMatchObject({ item_id: "rs_up", output_index: 0, summary_index: 1 });
  });

  it("puts native encrypted content bare and foreign artifacts in the llmux envelope", () => {
    const output = (encoded.payloads.at(-1)?.response as JsonObject | undefined)?.output;
    expect(output).toEqual([
      {
        id: "rs_up",
        type: "reasoning",
        summary: [
          { type: "summary_text", text: "First, look." },
          { type: "summary_text", text: "Then answer." },
        ],
        encrypted_content: "gAAAAnative",
      },
      {
        id: "rs_1",
        type: "reasoning",
        summary: [{ type: "summary_text", text: "Claude thinks." }],
        encrypted_content: "llmux1:anthropic:EqQBsig",
      },
      { id: "rs_2", type: "reasoning", summary: [], encrypted_content: "llmux1:redacted:opaque" },
      {
        id: "msg_3",
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Answer.", annotations: [], logprobs: [] }],
      },
    ]);
  });

  it("is accepted by the SDK, reasoning items included", async () => {
    const { final } = await readWithSdk(encoded.text);
    expect(final.output.map((item) => item.type)).toEqual(["reasoning", "reasoning", "reasoning", "message"]);
    expect(final.output_text).toBe("Answer.");
  });
});

describe("stream encoder: refusal", () => {
  const REFUSAL_STREAM: StreamEvent[] = [
    START,
    { type: "text-start", index: 0, refusal: true },
    { type: "text-delta", index: 0, text: "I can't" },
    { type: "text-delta", index: 0, text: " help." },
    { type: "text-end", index: 0 },
    USAGE,
    { type: "finish", reason: "refusal" },
  ];

  it("streams a text block marked as a refusal as a refusal part, as the non-stream body has it", async () => {
    const encoded = encodeEvents(REFUSAL_STREAM);
    expect(types(encoded).slice(2, -1)).toEqual([
      "response.output_item.added",
      "response.content_part.added",
      "response.refusal.delta",
      "response.refusal.delta",
      "response.refusal.done",
      "response.content_part.done",
      "response.output_item.done",
    ]);
    expect(encoded.payloads[3]).toMatchObject({ part: { type: "refusal", refusal: "" } });
    expect(encoded.payloads[4]).toMatchObject({ output_index: 0, content_index: 0, delta: "I can't" });
    expect(encoded.payloads[6]).toMatchObject({ refusal: "I can't help." });
    const body = openAiResponsesAdapter.encodeResponse(
      {
        id: "resp_up",
        model: "upstream-model",
        created: 1700000000,
        content: [{ type: "text", text: "I can't help.", refusal: true }],
        finishReason: "refusal",
        usage: {
          inputTokens: 10,
          cacheReadTokens: 20,
          cacheWriteTokens: 0,
          outputTokens: 7,
          reasoningTokens: 3,
        },
        warnings: [],
      },
      { model: "client-model" },
      testContext(),
    );
    const completed = encoded.payloads.at(-1)?.response as JsonObject;
    expect(JSON.stringify((completed.output as JsonObject[])[0]?.content)).toBe(
      JSON.stringify((body.output as JsonObject[])[0]?.content),
    );
    const { final } = await readWithSdk(encoded.text);
    expect(final.output[0]).toMatchObject({ content: [{ type: "refusal", refusal: "I can't help." }] });
    expect(final.output_text).toBe("");
  });

  it("decodes back to a refusal (stream decoder round trip)", () => {
    const events: StreamEvent[] = [];
    const decoder = openAiResponsesAdapter.createStreamDecoder(testContext(), (event) => events.push(event));
    for (const frame of encodeEvents(REFUSAL_STREAM).frames) decoder.push(frame);
    decoder.end();
    expect(events).toContainEqual({ type: "text-start", index: 0, refusal: true });
    expect(events.at(-1)).toEqual({ type: "finish", reason: "refusal" });
  });
});

describe("stream encoder: terminal sequences", () => {
  it("ends a length stop with response.incomplete", () => {
    const encoded = encodeEvents([...TEXT_STREAM.slice(0, -1), { type: "finish", reason: "length" }]);
    expect(encoded.payloads.at(-1)).toMatchObject({
      type: "response.incomplete",
      response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } },
    });
  });

  it("turns an error into the error event and response.failed, and writes nothing after", async () => {
    const encoded = encodeEvents([
      START,
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "partial" },
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
      { type: "finish", reason: "stop" },
    ]);
    expect(types(encoded).slice(-2)).toEqual(["error", "response.failed"]);
    expect(encoded.payloads.at(-2)).toMatchObject({
      type: "error",
      code: "overloaded_error",
      message: "Overloaded",
      sequence_number: 5,
      error: { type: "overloaded_error", message: "Overloaded" },
    });
    expect(encoded.payloads.at(-1)).toMatchObject({
      sequence_number: 6,
      response: { status: "failed", error: { code: "overloaded_error", message: "Overloaded" } },
    });
    expect(encoded.text).not.toContain("ignored");
    await expect(readWithSdk(encoded.text)).rejects.toMatchObject({
      message: expect.stringContaining("Overloaded"),
    });
  });

  it("still writes a valid terminal sequence when the stream ends without a finish", async () => {
    const encoded = encodeEvents([{ type: "text-delta", index: 0, text: "orphan" }]);
    expect(types(encoded)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.incomplete",
    ]);
    expect(encoded.payloads[0]).toMatchObject({
      response: { id: "resp_1", model: "client-model", created_at: 1750000000 },
    });
    const { final } = await readWithSdk(encoded.text);
    expect(final.status).toBe("incomplete");
    expect(final.output_text).toBe("orphan");
  });
});
