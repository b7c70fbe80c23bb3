import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseJsonOrThrow } from "../core/json/safe-parse.js";
import type { MockScript } from "./script.js";
import { type MockUpstream, startMockUpstream } from "./server.js";

/** The official SDKs parse what the mock sends: its wire shapes are the real ones. */

const SCRIPT: MockScript = {
  steps: [
    { type: "thinking", text: "Two lookups.", signature: "sig-1", encryptedContent: "enc-1", deltas: 2 },
    { type: "text", text: "Looking that up for you.", deltas: 3 },
    {
      type: "tool-calls",
      calls: [
        { name: "get_weather", arguments: { city: "Paris" }, fragments: 3, id: "call_1", signature: "gsig" },
        { name: "get_time", arguments: { zone: "CET" }, fragments: 2, id: "call_2" },
      ],
    },
  ],
  usage: { input: 40, output: 25, cacheRead: 8, cacheWrite: 2, reasoning: 5 },
};

const TEXT_ONLY: MockScript = {
  steps: [{ type: "text", text: "Hello from the mock, in pieces.", deltas: 4 }],
  usage: { input: 10, output: 7, cacheRead: 4 },
};

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

function openai(): OpenAI {
  return new OpenAI({ apiKey: "test", baseURL: `${mock.url}/v1`, maxRetries: 0 });
}

function anthropic(): Anthropic {
  return new Anthropic({ apiKey: "test", baseURL: mock.url, maxRetries: 0 });
}

function genai(): GoogleGenAI {
  return new GoogleGenAI({ apiKey: "test", httpOptions: { baseUrl: mock.url } });
}

const CALLS = [
  { name: "get_weather", arguments: { city: "Paris" } },
  { name: "get_time", arguments: { zone: "CET" } },
];

describe("openai SDK against the mock (chat completions)", () => {
  const request = { model: "gpt-test", messages: [{ role: "user" as const, content: "weather?" }] };

  it("parses a non-stream completion with tool calls and usage", async () => {
    mock.enqueue(SCRIPT);
    const completion = await openai().chat.completions.create(request);
    const message = completion.choices[0]!.message;
    expect(message.content).toBe("Looking that up for you.");
    const calls = (message.tool_calls ?? []).map((call) =>
      call.type === "function"
        ? { name: call.function.name, arguments: parseJsonOrThrow(call.function.arguments, "upstream") }
        : {},
    );
    expect(calls).toEqual(CALLS);
    expect(completion.choices[0]!.finish_reason).toBe("tool_calls");
    expect(completion.usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 25 });
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(8);
  });

  it("accumulates a stream with the .stream() helper", async () => {
    mock.enqueue(SCRIPT);
    const stream = openai().chat.completions.stream({ ...request, stream_options: { include_usage: true } });
    const final = await stream.finalChatCompletion();
    const message = final.choices[0]!.message;
    expect(message.content).toBe("Looking that up for you.");
    expect(message.tool_calls?.map((call) => call.id)).toEqual(["call_1", "call_2"]);
    const args = (message.tool_calls ?? []).map((call) =>
      call.type === "function" ? call.function.arguments : "",
    );
    expect(args.map((text) => parseJsonOrThrow(text, "upstream"))).toEqual(
      CALLS.map((call) => call.arguments),
    );
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
    expect(final.usage?.total_tokens).toBe(75);
  });

  it("accumulates a streamed refusal into message.refusal", async () => {
    mock.enqueue({
      steps: [{ type: "text", text: "I can't help with that.", deltas: 3 }],
      finish: "refusal",
    });
    const final = await openai().chat.completions.stream(request).finalChatCompletion();
    expect(final.choices[0]!.message.refusal).toBe("I can't help with that.");
    expect(final.choices[0]!.message.content).toBe(null);
  });

  it("iterates raw stream chunks of a text answer", async () => {
    mock.enqueue(TEXT_ONLY);
    const stream = await openai().chat.completions.create({ ...request, stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("Hello from the mock, in pieces.");
  });
});

describe("openai SDK against the mock (responses)", () => {
  it("parses a non-stream response: output_text, reasoning, function calls, usage", async () => {
    mock.enqueue(SCRIPT);
    const response = await openai().responses.create({ model: "gpt-test", input: "weather?" });
    expect(response.output_text).toBe("Looking that up for you.");
    const reasoning = response.output.find((item) => item.type === "reasoning");
    expect(reasoning?.type === "reasoning" && reasoning.encrypted_content).toBe("enc-1");
    const calls = response.output.flatMap((item) =>
      item.type === "function_call"
        ? [{ name: item.name, arguments: parseJsonOrThrow(item.arguments, "upstream") }]
        : [],
    );
    expect(calls).toEqual(CALLS);
    expect(response.usage).toMatchObject({ input_tokens: 50, output_tokens: 25 });
    expect(response.usage?.input_tokens_details.cached_tokens).toBe(8);
  });

  it("accumulates a stream with the .stream() helper", async () => {
    mock.enqueue(SCRIPT);
    const stream = openai().responses.stream({ model: "gpt-test", input: "weather?" });
    let deltas = "";
    stream.on("response.output_text.delta", (event) => {
      deltas += event.delta;
    });
    const final = await stream.finalResponse();
    expect(deltas).toBe("Looking that up for you.");
    expect(final.output_text).toBe("Looking that up for you.");
    const calls = final.output.flatMap((item) =>
      item.type === "function_call"
        ? [{ name: item.name, arguments: parseJsonOrThrow(item.arguments, "upstream") }]
        : [],
    );
    expect(calls).toEqual(CALLS);
    expect(final.usage?.output_tokens_details.reasoning_tokens).toBe(5);
  });

  it("accepts a streamed refusal and an incomplete (length) response", async () => {
    mock.enqueue({
      steps: [{ type: "text", text: "I can't help with that.", deltas: 3 }],
      finish: "refusal",
    });
    const refused = await openai().responses.stream({ model: "gpt-test", input: "hi" }).finalResponse();
    const message = refused.output.find((item) => item.type === "message");
    expect(message?.type === "message" && message.content[0]).toMatchObject({
      type: "refusal",
      refusal: "I can't help with that.",
    });
    mock.enqueue({ ...TEXT_ONLY, finish: "length" });
    const cut = await openai().responses.stream({ model: "gpt-test", input: "hi" }).finalResponse();
    expect([cut.status, cut.incomplete_details?.reason]).toEqual(["incomplete", "max_output_tokens"]);
    expect(cut.output_text).toBe("Hello from the mock, in pieces.");
  });

  it("surfaces a mid-stream error event as an APIError", async () => {
    mock.enqueue({ ...TEXT_ONLY, streamError: { afterChunks: 4, status: 500 } });
    const stream = await openai().responses.create({ model: "gpt-test", input: "hi", stream: true });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of stream) seen.push(event.type);
      })(),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(seen).toHaveLength(4);
  });
});

describe("anthropic SDK against the mock", () => {
  const request = {
    model: "claude-test",
    max_tokens: 256,
    messages: [{ role: "user" as const, content: "weather?" }],
  };

  it("parses a non-stream message: thinking, text, tool_use, usage", async () => {
    mock.enqueue(SCRIPT);
    const message = await anthropic().messages.create(request);
    const thinking = message.content.find((block) => block.type === "thinking");
    expect(thinking?.type === "thinking" && thinking.signature).toBe("sig-1");
    const calls = message.content.flatMap((block) =>
      block.type === "tool_use" ? [{ name: block.name, arguments: block.input }] : [],
    );
    expect(calls).toEqual(CALLS);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({
      input_tokens: 40,
      output_tokens: 25,
      cache_read_input_tokens: 8,
      cache_creation_input_tokens: 2,
    });
  });

  it("accumulates a stream with messages.stream()", async () => {
    mock.enqueue(SCRIPT);
    const stream = anthropic().messages.stream(request);
    let text = "";
    stream.on("text", (delta) => {
      text += delta;
    });
    const message = await stream.finalMessage();
    expect(text).toBe("Looking that up for you.");
    const thinking = message.content.find((block) => block.type === "thinking");
    expect(thinking).toEqual({ type: "thinking", thinking: "Two lookups.", signature: "sig-1" });
    const calls = message.content.flatMap((block) =>
      block.type === "tool_use" ? [{ name: block.name, arguments: block.input }] : [],
    );
    expect(calls).toEqual(CALLS);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({ input_tokens: 40, output_tokens: 25, cache_read_input_tokens: 8 });
  });

  it("raises the overloaded error sent mid-stream", async () => {
    mock.enqueue({ ...TEXT_ONLY, streamError: { afterChunks: 3 } });
    const stream = anthropic().messages.stream(request);
    await expect(stream.finalMessage()).rejects.toMatchObject({
      error: { error: { type: "overloaded_error" } },
    });
  });

  it("receives an HTTP 529 as an APIError with status 529", async () => {
    mock.enqueue({ error: { status: 529 } });
    await expect(anthropic().messages.create(request)).rejects.toMatchObject({ status: 529 });
  });
});

describe("google genai SDK against the mock", () => {
  const request = { model: "gemini-test", contents: "weather?" };

  it("parses generateContent: text, function calls, usage", async () => {
    mock.enqueue(SCRIPT);
    const response = await genai().models.generateContent(request);
    const parts = response.candidates?.[0]?.content?.parts ?? [];
    const text = parts.map((part) => (part.thought || part.text === undefined ? "" : part.text)).join("");
    expect(text).toBe("Looking that up for you.");
    expect(parts.find((part) => part.thought)?.thoughtSignature).toBe("sig-1");
    expect(response.functionCalls?.map((call) => ({ name: call.name, arguments: call.args }))).toEqual(CALLS);
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 50,
      cachedContentTokenCount: 8,
      candidatesTokenCount: 20,
      thoughtsTokenCount: 5,
    });
    expect(mock.requests[0]).toMatchObject({
      path: "/v1beta/models/gemini-test:generateContent",
      protocol: "gemini",
    });
  });

  it("streams generateContentStream chunks over SSE", async () => {
    mock.enqueue(SCRIPT);
    const stream = await genai().models.generateContentStream(request);
    let text = "";
    const calls: unknown[] = [];
    let thoughts = "";
    let usage: unknown;
    for await (const chunk of stream) {
      for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
        if (part.thought) thoughts += part.text ?? "";
        else if (part.text !== undefined) text += part.text;
        if (part.functionCall)
          calls.push({ name: part.functionCall.name, arguments: part.functionCall.args });
      }
      usage = chunk.usageMetadata;
    }
    expect(thoughts).toBe("Two lookups.");
    expect(text).toBe("Looking that up for you.");
    expect(calls).toEqual(CALLS);
    expect(usage).toMatchObject({ promptTokenCount: 50, thoughtsTokenCount: 5, totalTokenCount: 75 });
    expect(mock.requests[0]).toMatchObject({ query: { alt: "sse" }, stream: true });
  });
});
