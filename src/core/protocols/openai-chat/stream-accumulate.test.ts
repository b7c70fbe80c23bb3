import { describe, expect, it } from "vitest";
import { responseToEvents } from "../../model/accumulate.js";
import type { StreamEvent } from "../../model/events.js";
import type { CanonicalResponse } from "../../model/response.js";
import {
  accumulateEvents,
  chunksToSse,
  decodeSse,
  encodeEvents,
  fixtureSse,
  readExternal,
  readExternalJson,
  STREAM_FIXTURES,
  testContext,
} from "./__fixtures__/support.js";
import { openAiChatAdapter } from "./index.js";

const adapter = openAiChatAdapter;

/** Ids are generated per path; compare everything else. */
function withoutIds(response: CanonicalResponse): CanonicalResponse {
  return {
    ...response,
    id: "",
    content: response.content.map((part) => (part.type === "tool-call" ? { ...part, id: "" } : part)),
  };
}

function skeleton(response: CanonicalResponse): unknown[] {
  return response.content.map((part) =>
    part.type === "tool-call"
      ? { type: part.type, name: part.name, arguments: part.arguments }
      : { type: part.type },
  );
}

describe("conformance: an accumulated stream equals the non-stream result", () => {
  const PAIR_SSE = [
    {
      id: "chatcmpl-p",
      created: 3,
      model: "m",
      choices: [{ index: 0, delta: { role: "assistant", content: "" } }],
    },
    {
      id: "chatcmpl-p",
      created: 3,
      model: "m",
      choices: [{ index: 0, delta: { reasoning_content: "Think " } }],
    },
    {
      id: "chatcmpl-p",
      created: 3,
      model: "m",
      choices: [{ index: 0, delta: { reasoning_content: "hard." } }],
    },
    { id: "chatcmpl-p", created: 3, model: "m", choices: [{ index: 0, delta: { content: "Calling " } }] },
    { id: "chatcmpl-p", created: 3, model: "m", choices: [{ index: 0, delta: { content: "tools." } }] },
    {
      id: "chatcmpl-p",
      created: 3,
      model: "m",
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 0, id: "call_a", type: "function", function: { name: "a", arguments: "" } },
            ],
          },
        },
      ],
    },
    {
      id: "chatcmpl-p",
      created: 3,
      model: "m",
      choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] } }],
    },
    {
      id: "chatcmpl-p",
      created: 3,
      model: "m",
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 1, id: "call_b", type: "function", function: { name: "b", arguments: "" } },
            ],
          },
        },
      ],
    },
    {
      id: "chatcmpl-p",
      created: 3,
      model: "m",
      choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }],
    },
    {
      id: "chatcmpl-p",
      created: 3,
      model: "m",
      choices: [],
      usage: {
        prompt_tokens: 50,
        completion_tokens: 20,
        total_tokens: 70,
        prompt_tokens_details: { cached_tokens: 40 },
        completion_tokens_details: { reasoning_tokens: 4 },
      },
    },
  ];
  const PAIR_JSON = {
    id: "chatcmpl-p",
    object: "chat.completion",
    created: 3,
    model: "m",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: "Calling tools.",
          reasoning_content: "Think hard.",
          tool_calls: [
            { id: "call_a", type: "function", function: { name: "a", arguments: '{"x":1}' } },
            { id: "call_b", type: "function", function: { name: "b", arguments: "" } },
          ],
        },
        finish_reason: "tool_calls",
      },
    ],
    usage: PAIR_SSE[PAIR_SSE.length - 1]?.usage,
  };

  it("matched pair: reasoning, text, two parallel calls (one without arguments), usage", () => {
    const sse = `${PAIR_SSE.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("")}data: [DONE]\n\n`;
    expect(accumulateEvents(decodeSse(sse))).toEqual(adapter.decodeResponse(PAIR_JSON, testContext()));
  });

  it("matched pair: refusal", () => {
    const sse =
      `data: ${JSON.stringify({ id: "r", created: 1, model: "m", choices: [{ index: 0, delta: { refusal: "No." } }] })}\n\n` +
      `data: ${JSON.stringify({ id: "r", created: 1, model: "m", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n` +
      "data: [DONE]\n\n";
    const json = {
      id: "r",
      created: 1,
      model: "m",
      choices: [
        { index: 0, message: { role: "assistant", content: null, refusal: "No." }, finish_reason: "stop" },
      ],
    };
    expect(accumulateEvents(decodeSse(sse))).toEqual(adapter.decodeResponse(json, testContext()));
  });

  it.each([
    ["vercel-ai/deepseek/chat/deepseek-tool-call"],
    ["vercel-ai/deepseek/chat/deepseek-reasoning"],
    ["vercel-ai/openai-compatible/chat/xai-tool-call"],
    ["vercel-ai/openai/chat/openai-text"],
  ])("recorded pair %s (separate recordings): same blocks, tool calls and finish", (base) => {
    const streamed = accumulateEvents(decodeSse(chunksToSse(readExternal(`${base}.chunks.txt`))));
    const whole = adapter.decodeResponse(readExternalJson(`${base}.json`), testContext());
    expect(skeleton(streamed)).toEqual(skeleton(whole));
    expect(streamed.finishReason).toBe(whole.finishReason);
  });

  const NON_STREAM = [
    "vercel-ai/openai/chat/openai-text.json",
    "vercel-ai/deepseek/chat/deepseek-reasoning.json",
    "vercel-ai/deepseek/chat/deepseek-tool-call.json",
    "vercel-ai/openai-compatible/chat/xai-tool-call.json",
    "pydantic-ai/extracted/test_openai/test_openai_instructions_with_tool_calls_keep_instructions/01-response.json",
  ];

  it.each(NON_STREAM)(
    "%s: through our stream encoder and decoder it accumulates to the same response",
    (file) => {
      const whole = adapter.decodeResponse(readExternalJson(file), testContext());
      const sse = encodeEvents(responseToEvents(whole), { model: whole.model, includeUsage: true });
      expect(withoutIds(accumulateEvents(decodeSse(sse)))).toEqual(withoutIds(whole));
    },
  );

  it.each(STREAM_FIXTURES.filter(([file]) => !file.includes("stream_error")))(
    "%s: accumulated, encoded as a body and decoded again, nothing changes",
    (file, chunks) => {
      const streamed = accumulateEvents(decodeSse(fixtureSse(file, chunks)));
      const body = adapter.encodeResponse(streamed, { model: streamed.model }, testContext());
      expect(adapter.decodeResponse(body, testContext())).toEqual(streamed);
    },
  );

  it("events of any order the decoders produce survive encode -> decode", () => {
    const events: StreamEvent[] = [
      {
        type: "usage",
        usage: {
          inputTokens: 1,
          cacheReadTokens: 2,
          cacheWriteTokens: 0,
          outputTokens: 3,
          reasoningTokens: 0,
        },
      },
      { type: "response-start", id: "x", model: "m", created: 9 },
      { type: "tool-call-start", index: 4, id: "c", name: "f" },
      { type: "tool-call-delta", index: 4, arguments: '{"k":"v"}' },
      { type: "tool-call-end", index: 4 },
      { type: "finish", reason: "tool-calls" },
    ];
    const decoded = accumulateEvents(decodeSse(encodeEvents(events, { model: "m", includeUsage: true })));
    expect(decoded.content).toEqual([{ type: "tool-call", id: "c", name: "f", arguments: '{"k":"v"}' }]);
    expect(decoded.usage).toEqual(events[0]?.type === "usage" ? events[0].usage : undefined);
    expect(decoded.finishReason).toBe("tool-calls");
  });
});
