import { describe, expect, it } from "vitest";
import type { CanonicalRequest } from "../../model/request.js";
import {
  decodeSse,
  fixtureSse,
  readExternal,
  readExternalJson,
  readRecordedRequest,
  STREAM_FIXTURES,
  testContext,
} from "./__fixtures__/support.js";
import { openAiChatAdapter } from "./index.js";

const adapter = openAiChatAdapter;

/** Deterministic pseudo-random numbers (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function decodeRequest(body: unknown): CanonicalRequest {
  return adapter.decodeRequest(body, {}, testContext()).request;
}

const RICH_REQUEST = {
  model: "gpt-4.1",
  messages: [
    { role: "system", content: "You are terse." },
    {
      role: "user",
      content: [
        { type: "text", text: "What is in this image?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
      ],
      name: "alice",
    },
    {
      role: "assistant",
      content: "Let me look it up.",
      reasoning_content: "The user wants a lookup.",
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"png"}' } },
        { id: "call_2", type: "function", function: { name: "now", arguments: "{}" } },
      ],
    },
    { role: "tool", tool_call_id: "call_1", content: "a logo" },
    {
      role: "tool",
      tool_call_id: "call_2",
      content: [
        { type: "text", text: "noon" },
        { type: "text", text: "UTC" },
      ],
    },
    { role: "system", content: "Mid-conversation reminder." },
    { role: "user", content: "Thanks" },
  ],
  tools: [
    {
      type: "function",
      function: { name: "lookup", description: "search", parameters: { type: "object" }, strict: true },
    },
    { type: "function", function: { name: "now", parameters: { type: "object", properties: {} } } },
  ],
  tool_choice: { type: "function", function: { name: "lookup" } },
  parallel_tool_calls: true,
  response_format: {
    type: "json_schema",
    json_schema: { name: "answer", schema: { type: "object" }, strict: true },
  },
  temperature: 0.4,
  top_p: 0.9,
  max_tokens: 256,
  stop: ["\n\n"],
  seed: 11,
  n: 1,
  frequency_penalty: 0.2,
  presence_penalty: 0.1,
  stream: true,
  stream_options: { include_usage: true },
  user: "user-1",
  prompt_cache_key: "session-1",
  logprobs: true,
  top_logprobs: 2,
  metadata: { purpose: "test" },
};

const REASONING_REQUEST = {
  model: "o3",
  messages: [
    { role: "developer", content: "Follow the spec." },
    { role: "user", content: "Plan it." },
  ],
  reasoning_effort: "high",
  max_completion_tokens: 4000,
  custom_field: { nested: [1, 2] },
};

describe("conformance: decode then encode is stable", () => {
  const requests: [string, unknown][] = [
    ["rich synthetic request", RICH_REQUEST],
    ["reasoning model request", REASONING_REQUEST],
    [
      "pydantic-ai streaming tool round trip",
      readRecordedRequest(
        "pydantic-ai/extracted/test_openai/test_run_stream_sync_streams_real_model/02-request.json",
      ),
    ],
    [
      "pydantic-ai non-stream tool round trip",
      readRecordedRequest(
        "pydantic-ai/extracted/test_openai/test_openai_instructions_with_tool_calls_keep_instructions/02-request.json",
      ),
    ],
    [
      "openrouter request",
      readRecordedRequest(
        "pydantic-ai/extracted/test_openrouter/test_openrouter_stream_error/01-request.json",
      ),
    ],
  ];

  it.each(requests)("request: %s", (_name, body) => {
    const first = decodeRequest(body);
    const encoded = adapter.encodeRequest(first, { model: first.model }, testContext());
    expect(encoded.warnings).toEqual([]);
    const second = decodeRequest(encoded.body);
    expect(second).toEqual(first);
  });

  it("request: the rich request keeps every field on the wire", () => {
    const encoded = adapter.encodeRequest(
      decodeRequest(RICH_REQUEST),
      { model: "gpt-4.1" },
      testContext(),
    ).body;
    expect(encoded).toEqual(RICH_REQUEST);
  });

  const responses = [
    "vercel-ai/openai/chat/openai-text.json",
    "vercel-ai/deepseek/chat/deepseek-reasoning.json",
    "vercel-ai/deepseek/chat/deepseek-tool-call.json",
    "vercel-ai/openai-compatible/chat/xai-tool-call.json",
    "pydantic-ai/extracted/test_openai/test_openai_instructions_with_tool_calls_keep_instructions/01-response.json",
    "pydantic-ai/extracted/test_openai/test_openai_instructions_with_tool_calls_keep_instructions/02-response.json",
  ];

  it.each(responses)("response: %s", (file) => {
    const first = adapter.decodeResponse(readExternalJson(file), testContext());
    const encoded = adapter.encodeResponse(first, { model: first.model }, testContext());
    expect(adapter.decodeResponse(encoded, testContext())).toEqual(first);
  });
});

describe("conformance: the same events whatever byte the input is split at", () => {
  it.each([
    "vercel-ai/openai-compatible/chat/anthropic-fallback-tool-call.sse",
    "pydantic-ai/extracted/test_openrouter/test_openrouter_stream_error/01-response.sse",
  ])("every split point of %s", (file) => {
    const bytes = Buffer.from(readExternal(file), "utf8");
    const whole = decodeSse(bytes);
    for (let split = 1; split < bytes.length; split++) {
      expect(decodeSse(bytes, [split])).toEqual(whole);
    }
  });

  it.each(STREAM_FIXTURES)("random split points of %s (and CRLF framing)", (file, chunks) => {
    const sse = fixtureSse(file, chunks);
    const bytes = Buffer.from(sse, "utf8");
    const whole = decodeSse(bytes);
    const next = random(bytes.length);
    for (let round = 0; round < 40; round++) {
      const splits = Array.from(
        { length: 1 + Math.floor(next() * 30) },
        () => 1 + Math.floor(next() * (bytes.length - 1)),
      );
      expect(decodeSse(bytes, splits)).toEqual(whole);
    }
    expect(decodeSse(sse.replace(/\n/g, "\r\n"))).toEqual(whole);
  });
});
