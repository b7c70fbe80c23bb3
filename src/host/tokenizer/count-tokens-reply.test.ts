import { readFileSync } from "node:fs";
import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import type { CoreContext } from "../../core/model/protocol.js";
import type { CanonicalRequest } from "../../core/model/request.js";
import { decodeAnthropicRequest } from "../../core/protocols/anthropic/request-decode.js";
import { decodeGeminiRequest } from "../../core/protocols/gemini/request-decode.js";
import { REQUEST_TOKEN_COSTS as COST, collectRequestTexts } from "../../core/tokenizer/request-tokens.js";
import { buildCountTokensReply } from "./count-tokens-reply.js";
import { TiktokenCounter } from "./tiktoken-counter.js";

const reference = get_encoding("o200k_base");
const counter = new TiktokenCounter();
afterAll(() => {
  counter.free();
  reference.free();
});

const tiktoken = (...texts: string[]): number =>
  texts.reduce((sum, text) => sum + reference.encode_ordinary(text).length, 0);

function context(): CoreContext {
  let next = 0;
  return { newId: (prefix) => `${prefix}${++next}`, now: () => 1_700_000_000_000 };
}

const systemPrompt = "You are a careful assistant. Answer in one short paragraph.";
const question = "How many tokens does this question cost? 请同时用中文回答。";
const schema = {
  type: "object",
  properties: { city: { type: "string", description: "City name" } },
  required: ["city"],
};

describe("buildCountTokensReply: Anthropic /v1/messages/count_tokens", () => {
  const body = {
    model: "claude-sonnet-4-5",
    system: systemPrompt,
    messages: [
      { role: "user", content: question },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris" } }],
      },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_01", content: "Sunny, 21 °C" }],
      },
    ],
    tools: [{ name: "get_weather", description: "Current weather for a city", input_schema: schema }],
  };

  it("answers { input_tokens } equal to tiktoken over what the client sent plus the documented framing", () => {
    const { request } = decodeAnthropicRequest(body);
    const reply = buildCountTokensReply("anthropic", request, counter);
    const expected =
      tiktoken(
        systemPrompt,
        question,
        "get_weather",
        '{"city":"Paris"}',
        "Sunny, 21 °C",
        "get_weather",
        "Current weather for a city",
        JSON.stringify(request.tools[0]?.kind === "function" ? request.tools[0].parameters : {}),
      ) +
      COST.request +
      COST.message * 4 +
      COST.toolCall +
      COST.toolResult +
      COST.tool;
    expect(reply).toEqual({ input_tokens: expected });
  });

  it("is not inflated: a one-word prompt costs one word plus framing, nothing injected", () => {
    const { request } = decodeAnthropicRequest({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(buildCountTokensReply("anthropic", request, counter)).toEqual({
      input_tokens: tiktoken("hello") + COST.request + COST.message,
    });
  });

  it("does not count the model name, sampling settings or metadata", () => {
    const base = { messages: [{ role: "user", content: "hello" }] };
    const small = decodeAnthropicRequest({ ...base, model: "m" }).request;
    const dressed = decodeAnthropicRequest({
      ...base,
      model: "claude-sonnet-4-5-20250929-with-a-very-long-name",
      max_tokens: 4096,
      temperature: 0.2,
      metadata: { user_id: "user_0123456789abcdef" },
    }).request;
    expect(buildCountTokensReply("anthropic", dressed, counter)).toEqual(
      buildCountTokensReply("anthropic", small, counter),
    );
  });
});

describe("buildCountTokensReply: Gemini countTokens", () => {
  it("answers { totalTokens } equal to tiktoken over the contents plus framing", () => {
    const decoded = decodeGeminiRequest(
      {
        systemInstruction: { parts: [{ text: systemPrompt }] },
        contents: [
          { role: "user", parts: [{ text: question }] },
          { role: "model", parts: [{ text: "It costs a few dozen tokens." }] },
        ],
      },
      { model: "gemini-2.5-flash" },
      context(),
    );
    const reply = buildCountTokensReply("gemini", decoded.request, counter);
    expect(reply).toEqual({
      totalTokens:
        tiktoken(systemPrompt, question, "It costs a few dozen tokens.") + COST.request + COST.message * 3,
    });
  });

  it("charges the documented fixed cost for an inline image, never its base64 bytes", () => {
    const request: CanonicalRequest = {
      model: "gemini-2.5-flash",
      system: [],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this picture?" },
            { type: "image", source: { kind: "base64", mediaType: "image/png", data: "A".repeat(500_000) } },
          ],
        },
      ],
      tools: [],
      sampling: {},
      stream: false,
      metadata: {},
      extensions: {},
    };
    expect(buildCountTokensReply("gemini", request, counter)).toEqual({
      totalTokens: tiktoken("What is in this picture?") + COST.request + COST.message + COST.image,
    });
  });
});

describe("buildCountTokensReply on a prompt beyond the exact budget", () => {
  it("counts a bounded sample and lands within 3 % of the full count", () => {
    const fixture = (name: string): string =>
      readFileSync(new URL(`../../core/tokenizer/__fixtures__/${name}`, import.meta.url), "utf8");
    const code = readFileSync(new URL("../../core/tokenizer/estimate.ts", import.meta.url), "utf8");
    const turns = Array.from({ length: 60 }, (_, index) => ({
      role: index % 2 === 0 ? "user" : "assistant",
      content: [fixture("english.txt"), fixture("chinese.txt"), code][index % 3] ?? "",
    }));
    const { request } = decodeAnthropicRequest({ model: "claude-sonnet-4-5", messages: turns });
    const { texts, fixedTokens, chars } = collectRequestTexts(request);
    const full = fixedTokens + tiktoken(...texts);
    let seenChars = 0;
    const watching = {
      count(text: string): number {
        seenChars += text.length;
        return counter.count(text);
      },
    };
    const budget = Math.floor(chars / 8);
    const reply = buildCountTokensReply("anthropic", request, watching, { maxExactChars: budget });
    expect(seenChars).toBeLessThanOrEqual(budget + texts.length);
    expect(Math.abs(reply.input_tokens - full) / full).toBeLessThan(0.03);
  });
});
