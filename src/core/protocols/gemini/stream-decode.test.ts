import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../model/events.js";
import type { CanonicalResponse } from "../../model/response.js";
import {
  accumulateEvents,
  chunksToSse,
  decodeSse,
  fixtureText,
  lifecycleProblems,
  parseJson,
  testContext,
} from "./__fixtures__/support.js";
import { createGeminiStreamDecoder } from "./stream-decode.js";

function vercel(name: string): StreamEvent[] {
  return decodeSse(chunksToSse(fixtureText(`vercel-ai/google/${name}.chunks.txt`)));
}

function extracted(path: string): StreamEvent[] {
  return decodeSse(fixtureText(path));
}

/** The content of an accumulated response in a compact, comparable form. */
function summary(response: CanonicalResponse): unknown[] {
  return response.content.map((part) => {
    switch (part.type) {
      case "text":
        return { text: part.text };
      case "thinking":
        return { thinking: part.text, signed: part.signature?.origin };
      case "tool-call":
        return { call: part.name, arguments: parseJson(part.arguments), signed: part.signature?.origin };
      default:
        return part;
    }
  });
}

function finishOf(events: readonly StreamEvent[]): StreamEvent | undefined {
  return events.at(-1);
}

function usages(events: readonly StreamEvent[]): unknown[] {
  return events.filter((event) => event.type === "usage").map((event) => event.usage);
}

describe("Gemini stream decoder on recorded traffic", () => {
  it("vercel google-text: text then the trailing signature part, usage and stop", () => {
    const events = vercel("google-text");
    expect(lifecycleProblems(events)).toEqual([]);
    expect(events[0]).toEqual({
      type: "response-start",
      id: "bH6LaZW8Fp_3nsEPqtaSwQ4",
      model: "gemini-3-pro-preview",
      created: 1_700_000_000,
    });
    const response = accumulateEvents(events);
    expect(summary(response)).toEqual([
      { text: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y' },
      { thinking: "", signed: "gemini" },
    ]);
    const thinking = response.content[1];
    expect(thinking?.type === "thinking" && thinking.signature?.value.startsWith("EqsFCqgFAb4+")).toBe(true);
    expect(response.usage).toEqual({
      inputTokens: 9,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 208,
      reasoningTokens: 185,
    });
    expect(finishOf(events)).toEqual({ type: "finish", reason: "stop" });
  });

  it("vercel google-reasoning and google-reasoning-gemini3: text arrives delta by delta, signature after it", () => {
    for (const name of ["google-reasoning", "google-reasoning-gemini3"]) {
      const events = vercel(name);
      expect(lifecycleProblems(events)).toEqual([]);
      const deltas = events.filter((event) => event.type === "text-delta");
      expect(deltas).toHaveLength(2);
      const response = accumulateEvents(events);
      expect(response.content.map((part) => part.type)).toEqual(["text", "thinking"]);
      expect(
        response.content[0]?.type === "text" && response.content[0].text.startsWith("There are **3**"),
      ).toBe(true);
      expect(response.finishReason).toBe("stop");
    }
  });

  it("vercel google-tool-call: a whole functionCall with its signature; STOP means tool-calls", () => {
    const events = vercel("google-tool-call");
    expect(lifecycleProblems(events)).toEqual([]);
    const start = events.find((event) => event.type === "tool-call-start");
    expect(start).toMatchObject({ id: "call_1", name: "weather", signature: { origin: "gemini" } });
    expect(start?.type === "tool-call-start" && start.signature?.value.startsWith("EqUCCqICAb4+")).toBe(true);
    const response = accumulateEvents(events);
    expect(summary(response)).toEqual([
      { call: "weather", arguments: { location: "San Francisco" }, signed: "gemini" },
    ]);
    expect(response.usage.outputTokens).toBe(60);
    expect(response.usage.reasoningTokens).toBe(45);
    expect(finishOf(events)).toEqual({ type: "finish", reason: "tool-calls" });
  });

  it("vercel google-tool-call-gemini3: the same on Gemini 3", () => {
    const response = accumulateEvents(vercel("google-tool-call-gemini3"));
    expect(summary(response)).toEqual([
      { call: "weather", arguments: { location: "San Francisco" }, signed: "gemini" },
    ]);
    expect(response.finishReason).toBe("tool-calls");
    expect(response.usage).toMatchObject({ inputTokens: 29, outputTokens: 819, reasoningTokens: 804 });
  });

  it("vercel google-stream-no-args-tool-call: thought text, a call without args gets {}, streamed calls", () => {
    const events = vercel("google-stream-no-args-tool-call");
    expect(lifecycleProblems(events)).toEqual([]);
    const response = accumulateEvents(events);
    expect(summary(response)).toEqual([
      {
        thinking: expect.stringContaining("**Processing User Requests**") as unknown,
        signed: undefined,
      },
      { call: "read_theme", arguments: {}, signed: "gemini" },
      { call: "read_screen", arguments: { id: "A" }, signed: undefined },
      { call: "read_screen", arguments: { id: "B" }, signed: undefined },
      { call: "read_screen", arguments: { id: "C" }, signed: undefined },
    ]);
    const ids = response.content.flatMap((part) => (part.type === "tool-call" ? [part.id] : []));
    expect(new Set(ids).size).toBe(4);
    expect(response.content[1]).toMatchObject({ arguments: "{}" });
    expect(response.finishReason).toBe("tool-calls");
  });

  it("vercel google-stream-tool-call-arguments: partialArgs become argument deltas as they arrive", () => {
    const events = vercel("google-stream-tool-call-arguments");
    expect(lifecycleProblems(events)).toEqual([]);
    const firstCallDeltas = events
      .filter((event) => event.type === "tool-call-delta" && event.index === 0)
      .map((event) => (event.type === "tool-call-delta" ? event.arguments : ""));
    expect(firstCallDeltas).toEqual(['{"location":"Boston', '"', "}"]);
    expect(summary(accumulateEvents(events))).toEqual([
      { call: "getWeather", arguments: { location: "Boston" }, signed: "gemini" },
      { call: "getWeather", arguments: { location: "San Francisco" }, signed: undefined },
    ]);
  });

  it("vercel array arguments with no terminal functionCall: the call still closes with valid JSON", () => {
    const response = accumulateEvents(
      vercel("google-stream-tool-call-array-arguments-missing-terminal-function-call"),
    );
    expect(summary(response)).toEqual([
      {
        call: "writeItems",
        arguments: {
          operations: [
            { action: "add", description: "Fresh red apple", itemid: "apple_001", price: 0.5 },
            { action: "add", description: "Ripe yellow banana", itemid: "banana_001", price: 0.3 },
          ],
        },
        signed: "gemini",
      },
    ]);
    expect(response.finishReason).toBe("tool-calls");
  });

  it("vercel Vertex nested streamed arguments assemble into the whole object", () => {
    const events = vercel("google-vertex-stream-tool-call-arguments-nested.1");
    expect(lifecycleProblems(events)).toEqual([]);
    const [call] = accumulateEvents(events).content;
    expect(call?.type).toBe("tool-call");
    const args = parseJson(call?.type === "tool-call" ? call.arguments : "null") as {
      recipe: { name: string; ingredients: { name: string; amount: string }[]; steps: string[] };
    };
    expect(args.recipe.name).toBe("Lasagna");
    expect(args.recipe.ingredients).toHaveLength(10);
    expect(args.recipe.ingredients[0]).toEqual({ amount: "16 oz", name: "Lasagna noodles" });
    expect(args.recipe.steps[1]).toBe(
      "Cook lasagna noodles according to package directions, drain and set aside.",
    );
    expect(args.recipe.steps[4]).toBe("In a 9x13 baking dish, spread a thin layer of meat sauce.");
  });

  it("pydantic test_google_model_iter_stream: calls over several turns, then text; CRLF framing", () => {
    const base = "pydantic-ai/extracted/test_google/test_google_model_iter_stream";
    expect(summary(accumulateEvents(extracted(`${base}/01-response.sse`)))).toEqual([
      { call: "get_capital", arguments: { country: "France" }, signed: undefined },
    ]);
    expect(summary(accumulateEvents(extracted(`${base}/02-response.sse`)))).toEqual([
      { call: "get_temperature", arguments: { city: "Paris" }, signed: undefined },
    ]);
    const last = extracted(`${base}/03-response.sse`);
    expect(summary(accumulateEvents(last))).toEqual([{ text: "The temperature in Paris is 30°C.\n" }]);
    expect(accumulateEvents(last).usage).toMatchObject({ inputTokens: 79, outputTokens: 12 });
    expect(finishOf(last)).toEqual({ type: "finish", reason: "stop" });
  });

  it("pydantic test_google_model_thinking_part_iter: thoughts, then the answer whose first part is signed", () => {
    const events = extracted(
      "pydantic-ai/extracted/test_google/test_google_model_thinking_part_iter/01-response.sse",
    );
    expect(lifecycleProblems(events)).toEqual([]);
    const response = accumulateEvents(events);
    expect(response.content.map((part) => part.type)).toEqual(["thinking", "text", "thinking"]);
    const [thoughts, answer, signature] = response.content;
    expect(thoughts?.type === "thinking" && thoughts.text.startsWith("**Clarifying User Goals**")).toBe(true);
    expect(thoughts?.type === "thinking" && thoughts.text.includes("**Crafting Safe Instructions**")).toBe(
      true,
    );
    expect(answer?.type === "text" && answer.text.startsWith("This is a great question!")).toBe(true);
    expect(answer?.type === "text" && answer.text.endsWith("Always assume a driver might not see you.")).toBe(
      true,
    );
    expect(signature).toMatchObject({ type: "thinking", text: "", signature: { origin: "gemini" } });
    expect(response.usage).toMatchObject({ inputTokens: 34, outputTokens: 469 + 787, reasoningTokens: 787 });
  });

  it("pydantic test_google_stream_usage_is_live_mid_stream: usage is emitted on every chunk that changes it", () => {
    const events = extracted(
      "pydantic-ai/extracted/test_google/test_google_stream_usage_is_live_mid_stream/01-response.sse",
    );
    expect(usages(events)).toEqual([
      { inputTokens: 18, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 66, reasoningTokens: 35 },
      { inputTokens: 18, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 114, reasoningTokens: 35 },
      { inputTokens: 18, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 115, reasoningTokens: 35 },
    ]);
    const firstUsage = events.findIndex((event) => event.type === "usage");
    const firstText = events.findIndex((event) => event.type === "text-delta");
    expect(firstUsage).toBeGreaterThan(firstText);
    expect(firstUsage).toBeLessThan(events.findLastIndex((event) => event.type === "text-delta"));
    const text = accumulateEvents(events).content[0];
    expect(text?.type === "text" && text.text).toBe(
      Array.from({ length: 30 }, (_, index) => index + 1).join("\n"),
    );
  });

  it("pydantic test_google_streaming_tool_call_thought_signature: signed call, then the answer", () => {
    const base = "pydantic-ai/extracted/test_google/test_google_streaming_tool_call_thought_signature";
    const first = accumulateEvents(extracted(`${base}/01-response.sse`));
    expect(summary(first)).toEqual([{ call: "get_country", arguments: {}, signed: "gemini" }]);
    expect(first.finishReason).toBe("tool-calls");
    const second = accumulateEvents(extracted(`${base}/02-response.sse`));
    expect(summary(second)).toEqual([{ text: "The capital of Mexico is Mexico City." }]);
    expect(second.usage.inputTokens).toBe(257);
  });

  it("pydantic test_cancel_recorded_provider_stream[google]: one chunk with text and STOP", () => {
    const events = extracted(
      "pydantic-ai/extracted/test_stream_close/test_cancel_recorded_provider_stream[google]/01-response.sse",
    );
    expect(lifecycleProblems(events)).toEqual([]);
    expect(summary(accumulateEvents(events))).toEqual([{ text: "Paris" }]);
    expect(finishOf(events)).toEqual({ type: "finish", reason: "stop" });
  });

  it("js-genai recordings: calls, streamed arguments, thought signatures, text", () => {
    const base = "js-genai/extracted";
    const divide = accumulateEvents(
      extracted(
        `${base}/Chats_Tests_chats_function_calling_Google_AI_with_function_calling_stream/01-response.sse`,
      ),
    );
    expect(summary(divide)).toEqual([
      { call: "customDivide", arguments: { denominator: 2, numerator: 100 }, signed: undefined },
    ]);
    const vertex = `${base}/Chats_Tests_chats_function_calling_Vertex_AI_with_streaming_function_calling_arguments_stream`;
    expect(summary(accumulateEvents(extracted(`${vertex}/01-response.sse`)))).toEqual([
      { call: "customDivide", arguments: { denominator: 2, numerator: 100 }, signed: "gemini" },
    ]);
    expect(summary(accumulateEvents(extracted(`${vertex}/02-response.sse`)))).toEqual([
      { text: "The result of 100/2 is 51." },
    ]);
    const streamed = extracted(
      `${base}/Client_Tests_generateContentStream_partial_function_calling_Vertex_AI_should_stream_generate_content_enabled_streamFunctionCallArguments/01-response.sse`,
    );
    expect(lifecycleProblems(streamed)).toEqual([]);
    expect(summary(accumulateEvents(streamed))).toEqual([
      {
        call: "getCurrentWeather",
        arguments: {
          country: "USA",
          location: "NewYorkCity",
          purpose: "to know what to wear today",
          unit: "C",
        },
        signed: "gemini",
      },
    ]);
    const empty = accumulateEvents(
      extracted(`${base}/Chats_Tests_sendMessage_Google_AI_with_empty_text_stream/01-response.sse`),
    );
    expect(summary(empty)).toEqual([
      { text: "Since `a = 5`, then `a + 10 = 5 + 10 = 15`.\n\nSo the answer is **15**.\n" },
    ]);
    const system = accumulateEvents(
      extracted(
        `${base}/Client_Tests_generateContentStream_ML_Dev_should_stream_generate_content_with_system_instruction/01-response.sse`,
      ),
    );
    expect(system.content[0]?.type === "text" && system.content[0].text.startsWith("low!")).toBe(true);
    expect(system.usage).toMatchObject({ inputTokens: 20, outputTokens: 253 + 260, reasoningTokens: 260 });
  });

  it("js-genai stream with an error payload: an error event, no finish", () => {
    const events = extracted(
      "js-genai/extracted/Chats_Tests_sendMessage_Send_message_stream_with_error/01-response.sse",
    );
    expect(events.map((event) => event.type)).toEqual(["error"]);
    expect(events[0]).toMatchObject({
      type: "error",
      error: { code: "not_found", status: 404, upstreamType: "NOT_FOUND" },
    });
  });
});

describe("Gemini stream decoder contract", () => {
  it("gives the same events whatever byte the input is split at", () => {
    const sse = chunksToSse(fixtureText("vercel-ai/google/google-stream-tool-call-arguments.chunks.txt"));
    const whole = decodeSse(sse);
    const length = Buffer.byteLength(sse);
    for (let split = 1; split < length; split++) {
      expect(decodeSse(sse, [split])).toEqual(whole);
    }
  });

  it("gives the same events for many random splits of a long stream", () => {
    const sse = fixtureText(
      "pydantic-ai/extracted/test_google/test_google_model_thinking_part_iter/01-response.sse",
    );
    const whole = decodeSse(sse);
    const length = Buffer.byteLength(sse);
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let round = 0; round < 60; round++) {
      const splits = Array.from({ length: 1 + Math.floor(random() * 40) }, () =>
        Math.floor(random() * length),
      ).sort((a, b) => a - b);
      expect(decodeSse(sse, splits)).toEqual(whole);
    }
  });

  it("emits each text delta as its chunk arrives, before the stream ends", () => {
    const events: StreamEvent[] = [];
    const decoder = createGeminiStreamDecoder(testContext(), (event) => events.push(event));
    decoder.push({ data: '{"candidates":[{"content":{"role":"model","parts":[{"text":"Hel"}]}}]}' });
    expect(events.map((event) => event.type)).toEqual(["response-start", "text-start", "text-delta"]);
    decoder.push({
      data: '{"candidates":[{"content":{"role":"model","parts":[{"text":"lo"}]},"finishReason":"STOP"}]}',
    });
    expect(events.at(-1)).toEqual({ type: "text-delta", index: 0, text: "lo" });
    decoder.end();
    expect(events.slice(-2)).toEqual([
      { type: "text-end", index: 0 },
      { type: "finish", reason: "stop" },
    ]);
  });

  it("synthesizes the response id and model when the first chunk has none", () => {
    const events = decodeSse(
      'data: {"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"STOP"}]}\n\n',
    );
    expect(events[0]).toEqual({
      type: "response-start",
      id: "resp_1",
      model: "unknown",
      created: 1_700_000_000,
    });
  });

  it("reports a stream cut off before any finishReason as upstream_incomplete, never a clean stop", () => {
    const events = decodeSse(
      'data: {"candidates":[{"content":{"parts":[{"text":"par"}]}}],"responseId":"r"}\r\n\r\n',
    );
    expect(events.map((event) => event.type)).toEqual([
      "response-start",
      "text-start",
      "text-delta",
      "error",
    ]);
    expect(events.at(-1)).toMatchObject({
      type: "error",
      error: { code: "upstream_incomplete", retryable: true },
    });
    expect(decodeSse("")).toEqual([
      expect.objectContaining({
        type: "error",
        error: expect.objectContaining({ code: "upstream_incomplete" }),
      }),
    ]);
  });

  it("holds the finish until the end, after usage that follows the finishReason chunk", () => {
    const events = decodeSse(
      [
        'data: {"candidates":[{"content":{"parts":[{"text":"a"}]},"finishReason":"MAX_TOKENS"}]}',
        'data: {"usageMetadata":{"promptTokenCount":120,"cachedContentTokenCount":100,"candidatesTokenCount":4}}',
        "",
      ].join("\r\n\r\n"),
    );
    expect(events.map((event) => event.type)).toEqual([
      "response-start",
      "text-start",
      "text-delta",
      "usage",
      "text-end",
      "finish",
    ]);
    expect(events.at(-1)).toEqual({ type: "finish", reason: "length" });
    expect(events[3]).toEqual({
      type: "usage",
      usage: {
        inputTokens: 20,
        cacheReadTokens: 100,
        cacheWriteTokens: 0,
        outputTokens: 4,
        reasoningTokens: 0,
      },
    });
  });

  it("turns a prompt blocked by promptFeedback into a content-filter finish", () => {
    const events = decodeSse('data: {"promptFeedback":{"blockReason":"SAFETY"},"responseId":"b"}\n\n');
    expect(events.at(-1)).toEqual({ type: "finish", reason: "content-filter" });
  });

  it("maps MALFORMED_FUNCTION_CALL and safety finishes", () => {
    const finish = (reason: string) =>
      decodeSse(
        `data: {"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"${reason}"}]}\n\n`,
      ).at(-1);
    expect(finish("MALFORMED_FUNCTION_CALL")).toEqual({ type: "finish", reason: "malformed-tool-call" });
    expect(finish("RECITATION")).toEqual({ type: "finish", reason: "content-filter" });
    expect(finish("PROHIBITED_CONTENT")).toEqual({ type: "finish", reason: "content-filter" });
  });

  it("an error payload mid-stream ends the stream with an error event (with the retry delay)", () => {
    const events = decodeSse(
      [
        'data: {"candidates":[{"content":{"parts":[{"text":"a"}]}}]}',
        'data: {"error":{"code":429,"message":"Resource exhausted. Please try again later.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"3s"}]}}',
        'data: {"candidates":[{"content":{"parts":[{"text":"ignored"}]},"finishReason":"STOP"}]}',
        "",
      ].join("\n\n"),
    );
    expect(events.map((event) => event.type)).toEqual([
      "response-start",
      "text-start",
      "text-delta",
      "error",
    ]);
    expect(events.at(-1)).toMatchObject({
      type: "error",
      error: { code: "rate_limited", status: 429, retryAfterMs: 3000 },
    });
  });

  it("tolerates unknown part kinds and unknown fields", () => {
    const events = decodeSse(
      'data: {"candidates":[{"content":{"parts":[{"executableCode":{"code":"print(1)"}},{"text":"ok","somethingNew":1}]},"finishReason":"STOP","groundingMetadata":{}}],"newTopLevel":true}\n\n',
    );
    expect(lifecycleProblems(events)).toEqual([]);
    expect(summary(accumulateEvents(events))).toEqual([{ text: "ok" }]);
  });

  it("splits reasoning blocks at a second signature and keeps each signature with its part", () => {
    const events = decodeSse(
      [
        'data: {"candidates":[{"content":{"parts":[{"text":"t1","thought":true,"thoughtSignature":"S1"},{"text":"t2","thought":true,"thoughtSignature":"S2"}]}}]}',
        'data: {"candidates":[{"content":{"parts":[{"text":"a","thoughtSignature":"S3"},{"text":"b"},{"text":"","thoughtSignature":"S4"}]},"finishReason":"STOP"}]}',
        "",
      ].join("\n\n"),
    );
    expect(lifecycleProblems(events)).toEqual([]);
    expect(accumulateEvents(events).content).toEqual([
      { type: "thinking", text: "t1", signature: { origin: "gemini", value: "S1" } },
      { type: "thinking", text: "t2", signature: { origin: "gemini", value: "S2" } },
      { type: "text", text: "ab" },
      { type: "thinking", text: "", signature: { origin: "gemini", value: "S3" } },
      { type: "thinking", text: "", signature: { origin: "gemini", value: "S4" } },
    ]);
  });

  it("uses the functionCall id when Gemini sends one", () => {
    const events = decodeSse(
      'data: {"candidates":[{"content":{"parts":[{"functionCall":{"id":"fc-7","name":"f","args":{"a":1}}}]},"finishReason":"STOP"}]}\n\n',
    );
    expect(events.find((event) => event.type === "tool-call-start")).toMatchObject({ id: "fc-7", name: "f" });
  });
});
