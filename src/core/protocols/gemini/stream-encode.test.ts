import { ApiError, type GenerateContentResponse, GoogleGenAI } from "@google/genai";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../model/events.js";
import { accumulateEvents, decodeSse, parseJson, testContext } from "./__fixtures__/support.js";
import { createGeminiStreamEncoder } from "./stream-encode.js";

function encode(events: readonly StreamEvent[], model = "gemini-client-model"): string {
  let out = "";
  const encoder = createGeminiStreamEncoder({ model }, testContext(), (text) => {
    out += text;
  });
  for (const event of events) encoder.push(event);
  encoder.end();
  return out;
}

/** The JSON of every `data:` frame. */
function frames(sse: string): Record<string, unknown>[] {
  return sse
    .split("\r\n\r\n")
    .filter((frame) => frame !== "")
    .map((frame) => {
      expect(frame.startsWith("data: ")).toBe(true);
      return parseJson(frame.slice("data: ".length)) as Record<string, unknown>;
    });
}

function finishReasonOf(frame: Record<string, unknown> | undefined): unknown {
  const candidates = frame?.candidates as { finishReason?: string }[] | undefined;
  return candidates?.[0]?.finishReason;
}

function partsOf(frame: Record<string, unknown>): unknown {
  const candidates = frame.candidates as { content: { parts: unknown } }[];
  return candidates[0]?.content.parts;
}

/** Serve `sse` to the official SDK as a streamGenerateContent response; return what it yields. */
async function throughSdk(sse: string): Promise<GenerateContentResponse[]> {
  const ai = new GoogleGenAI({
    apiKey: "test-key",
    httpOptions: {
      fetch: async () => new Response(sse, { status: 200, headers: { "content-type": "text/event-stream" } }),
    },
  });
  const chunks: GenerateContentResponse[] = [];
  for await (const chunk of await ai.models.generateContentStream({
    model: "gemini-client-model",
    contents: "hi",
  })) {
    chunks.push(chunk);
  }
  return chunks;
}

const start: StreamEvent = {
  type: "response-start",
  id: "resp_up",
  model: "upstream-model",
  created: 1_700_000_000,
};
const usage: StreamEvent = {
  type: "usage",
  usage: { inputTokens: 20, cacheReadTokens: 10, cacheWriteTokens: 0, outputTokens: 7, reasoningTokens: 3 },
};

const textEvents: StreamEvent[] = [
  start,
  { type: "text-start", index: 0 },
  { type: "text-delta", index: 0, text: "Hel" },
  { type: "text-delta", index: 0, text: "lo" },
  { type: "text-end", index: 0 },
  usage,
  { type: "finish", reason: "stop" },
];

const parallelToolEvents: StreamEvent[] = [
  start,
  { type: "text-start", index: 0 },
  { type: "text-delta", index: 0, text: "Checking." },
  { type: "text-end", index: 0 },
  { type: "tool-call-start", index: 1, id: "call_a", name: "search" },
  { type: "tool-call-start", index: 2, id: "call_b", name: "ping" },
  { type: "tool-call-delta", index: 1, arguments: '{"q":' },
  { type: "tool-call-delta", index: 2, arguments: '{"n"' },
  { type: "tool-call-delta", index: 1, arguments: '"cats"}' },
  { type: "tool-call-delta", index: 2, arguments: ":1}" },
  { type: "tool-call-end", index: 1 },
  { type: "tool-call-end", index: 2 },
  { type: "finish", reason: "tool-calls" },
];

const reasoningEvents: StreamEvent[] = [
  start,
  { type: "reasoning-start", index: 0 },
  { type: "reasoning-delta", index: 0, text: "Think" },
  { type: "reasoning-delta", index: 0, text: "ing." },
  { type: "reasoning-end", index: 0, signature: { origin: "gemini", value: "R0VNSU5J" } },
  { type: "reasoning-start", index: 1 },
  { type: "reasoning-delta", index: 1, text: "Claude thought" },
  { type: "reasoning-end", index: 1, signature: { origin: "anthropic", value: "anthropic-signature" } },
  {
    type: "tool-call-start",
    index: 2,
    id: "call_1",
    name: "f",
    signature: { origin: "gemini", value: "Q0FMTA==" },
  },
  { type: "tool-call-delta", index: 2, arguments: "{}" },
  { type: "tool-call-end", index: 2 },
  { type: "text-start", index: 3 },
  { type: "text-delta", index: 3, text: "Done" },
  { type: "text-end", index: 3 },
  { type: "reasoning-start", index: 4 },
  { type: "reasoning-end", index: 4, signature: { origin: "gemini", value: "VEVYVA==" } },
  usage,
  { type: "finish", reason: "tool-calls" },
];

describe("Gemini stream encoder: wire shape", () => {
  it("writes each text delta as a whole GenerateContentResponse chunk, then a terminal chunk", () => {
    const written = frames(encode(textEvents));
    expect(written).toEqual([
      {
        candidates: [{ content: { role: "model", parts: [{ text: "Hel" }] }, index: 0 }],
        modelVersion: "gemini-client-model",
        createTime: "2023-11-14T22:13:20.000Z",
        responseId: "resp_up",
      },
      {
        candidates: [{ content: { role: "model", parts: [{ text: "lo" }] }, index: 0 }],
        modelVersion: "gemini-client-model",
        createTime: "2023-11-14T22:13:20.000Z",
        responseId: "resp_up",
      },
      {
        candidates: [{ content: { role: "model", parts: [{ text: "" }] }, finishReason: "STOP", index: 0 }],
        usageMetadata: {
          promptTokenCount: 30,
          candidatesTokenCount: 4,
          totalTokenCount: 37,
          cachedContentTokenCount: 10,
          thoughtsTokenCount: 3,
        },
        modelVersion: "gemini-client-model",
        createTime: "2023-11-14T22:13:20.000Z",
        responseId: "resp_up",
      },
    ]);
  });

  it("sends the first token with the event that carried it", () => {
    const written: string[] = [];
    const encoder = createGeminiStreamEncoder({ model: "m" }, testContext(), (text) => written.push(text));
    encoder.push(start);
    encoder.push({ type: "text-start", index: 0 });
    expect(written).toEqual([]);
    encoder.push({ type: "text-delta", index: 0, text: "first" });
    expect(written).toHaveLength(1);
    expect(partsOf(frames(written[0]!)[0]!)).toEqual([{ text: "first" }]);
  });

  it("holds each parallel call until its end and sends it whole, with its id; arguments never glued", () => {
    const written = frames(encode(parallelToolEvents));
    expect(written.map(partsOf)).toEqual([
      [{ text: "Checking." }],
      [{ functionCall: { id: "call_a", name: "search", args: { q: "cats" } } }],
      [{ functionCall: { id: "call_b", name: "ping", args: { n: 1 } } }],
      [{ text: "" }],
    ]);
    expect(finishReasonOf(written.at(-1))).toBe("STOP");
  });

  it("writes calls in the order they started even when a later one ends first, as the body has them", () => {
    const events: StreamEvent[] = [
      start,
      { type: "tool-call-start", index: 0, id: "call_w", name: "get_weather" },
      { type: "tool-call-start", index: 1, id: "call_t", name: "get_time" },
      { type: "tool-call-delta", index: 0, arguments: '{"city":' },
      { type: "tool-call-delta", index: 1, arguments: '{"zone":"Asia/Tokyo"}' },
      { type: "tool-call-end", index: 1 },
      { type: "tool-call-delta", index: 0, arguments: '"Paris"}' },
      { type: "tool-call-end", index: 0 },
      { type: "finish", reason: "tool-calls" },
    ];
    const chunks: string[] = [];
    const encoder = createGeminiStreamEncoder({ model: "m" }, testContext(), (text) => chunks.push(text));
    for (const event of events.slice(0, 6)) encoder.push(event);
    // get_time has ended but waits for get_weather, which started first.
    expect(chunks).toEqual([]);
    for (const event of events.slice(6)) encoder.push(event);
    encoder.end();
    const written = frames(chunks.join(""));
    expect(written.map(partsOf)).toEqual([
      [{ functionCall: { id: "call_w", name: "get_weather", args: { city: "Paris" } } }],
      [{ functionCall: { id: "call_t", name: "get_time", args: { zone: "Asia/Tokyo" } } }],
      [{ text: "" }],
    ]);
    const back = accumulateEvents(decodeSse(chunks.join("")));
    expect(back.content.map((part) => (part.type === "tool-call" ? part.name : part.type))).toEqual(
      accumulateEvents(events).content.map((part) => (part.type === "tool-call" ? part.name : part.type)),
    );
  });

  it("sends thought text as thought parts and Gemini signatures where Gemini puts them; a foreign one enveloped", () => {
    const written = frames(encode(reasoningEvents));
    expect(written.map(partsOf)).toEqual([
      [{ text: "Think", thought: true }],
      [{ text: "ing.", thought: true }],
      [{ text: "", thought: true, thoughtSignature: "R0VNSU5J" }],
      [{ text: "Claude thought", thought: true }],
      [{ functionCall: { id: "call_1", name: "f", args: {} }, thoughtSignature: "Q0FMTA==" }],
      [{ text: "Done" }],
      [{ text: "", thoughtSignature: "VEVYVA==" }],
      // the call had its own signature: the carried one closes the stream, for the client to replay
      [{ text: "", thoughtSignature: "llmux1:anthropic:anthropic-signature" }],
    ]);
  });

  it("carries usage from the moment it is known, on every later chunk", () => {
    const written = frames(
      encode([start, usage, ...textEvents.slice(1, 5), { type: "finish", reason: "length" }]),
    );
    expect(written.every((frame) => frame.usageMetadata !== undefined)).toBe(true);
    expect(finishReasonOf(written.at(-1))).toBe("MAX_TOKENS");
  });

  it("an error event becomes Gemini's in-stream error payload and ends the stream", () => {
    const sse = encode([
      start,
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "par" },
      {
        type: "error",
        error: {
          code: "overloaded",
          status: 529,
          message: "upstream overloaded",
          retryable: true,
          retryAfterMs: 2000,
        },
      },
      { type: "text-delta", index: 0, text: "ignored" },
    ]);
    const last =
      sse
        .trim()
        .split(/\r?\n\r?\n/)
        .at(-1) ?? "";
    expect(parseJson(last.slice("data: ".length))).toEqual({
      error: {
        code: 529,
        message: "upstream overloaded",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2s" }],
      },
    });
    expect(sse).not.toContain("ignored");
    expect(sse).not.toContain("finishReason");
  });

  it("end() without a finish still closes with a terminal chunk, and drops a call that never ended", () => {
    const written = frames(
      encode([
        start,
        { type: "tool-call-start", index: 0, id: "c", name: "f" },
        { type: "tool-call-delta", index: 0, arguments: '{"a":' },
      ]),
    );
    expect(written.map(partsOf)).toEqual([[{ text: "" }]]);
    expect(finishReasonOf(written[0])).toBe("OTHER");
  });

  it("decodes back to the same response (encoder and decoder are inverse)", () => {
    for (const events of [textEvents, parallelToolEvents]) {
      const back = accumulateEvents(decodeSse(encode(events)));
      const original = accumulateEvents(events);
      expect({ ...back, model: "", created: 0 }).toEqual({ ...original, model: "", created: 0 });
    }
  });
});

describe("Gemini stream encoder: the official @google/genai SDK accepts it", () => {
  it("generateContentStream yields the text, usage and finish reason", async () => {
    const chunks = await throughSdk(encode(textEvents));
    expect(chunks.map((chunk) => chunk.text ?? "").join("")).toBe("Hello");
    const last = chunks.at(-1);
    expect(last?.candidates?.[0]?.finishReason).toBe("STOP");
    expect(last?.usageMetadata?.promptTokenCount).toBe(30);
    expect(last?.modelVersion).toBe("gemini-client-model");
    expect(last?.responseId).toBe("resp_up");
  });

  it("generateContentStream yields parallel function calls with whole args", async () => {
    const chunks = await throughSdk(encode(parallelToolEvents));
    const calls = chunks.flatMap((chunk) => chunk.functionCalls ?? []);
    expect(calls).toEqual([
      { id: "call_a", name: "search", args: { q: "cats" } },
      { id: "call_b", name: "ping", args: { n: 1 } },
    ]);
  });

  it("chats keep the streamed model turn (every chunk valid, thoughts and signatures included)", async () => {
    const sse = encode(reasoningEvents);
    const ai = new GoogleGenAI({
      apiKey: "test-key",
      httpOptions: {
        fetch: async () =>
          new Response(sse, { status: 200, headers: { "content-type": "text/event-stream" } }),
      },
    });
    const chat = ai.chats.create({ model: "gemini-client-model" });
    for await (const _chunk of await chat.sendMessageStream({ message: "go" })) {
      // drain
    }
    // The SDK records one model content per chunk, and none at all if any chunk was invalid or unfinished.
    const history = chat.getHistory();
    expect(history[0]?.role).toBe("user");
    expect(history.length).toBeGreaterThan(1);
    expect(history.slice(1).every((content) => content.role === "model")).toBe(true);
    const modelParts = history.slice(1).flatMap((content) => content.parts ?? []);
    expect(
      modelParts.some((part) => part.functionCall?.name === "f" && part.thoughtSignature === "Q0FMTA=="),
    ).toBe(true);
    expect(modelParts.some((part) => part.thought === true && part.text === "Think")).toBe(true);
  });

  it("the in-stream error makes the SDK throw an ApiError with the status", async () => {
    const sse = encode([
      start,
      { type: "error", error: { code: "rate_limited", status: 429, message: "slow down", retryable: true } },
    ]);
    await expect(throughSdk(sse)).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof ApiError && error.status === 429 && error.message.includes("slow down"),
    );
  });
});
