import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Message } from "../model/parts.js";
import type { CanonicalRequest } from "../model/request.js";
import { estimateTokenCost } from "./estimate.js";
import {
  REQUEST_TOKEN_COSTS as COST,
  collectRequestTexts,
  countRequestTokens,
  estimateRequestTokens,
  sampleEstimatedTokens,
  sumEstimatedTokens,
} from "./request-tokens.js";
import type { TokenCounter } from "./token-counter.js";

/** A counter that charges one token per character and remembers what it was asked. */
function recordingCounter(): TokenCounter & { seen: string[]; chars: number } {
  const counter = {
    seen: [] as string[],
    chars: 0,
    count(text: string): number {
      counter.seen.push(text);
      counter.chars += text.length;
      return text.length;
    },
  };
  return counter;
}

function request(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    model: "gpt-5",
    system: [],
    messages: [],
    tools: [],
    sampling: {},
    stream: false,
    metadata: {},
    extensions: {},
    ...overrides,
  };
}

const everyPart: Message[] = [
  { role: "user", content: [{ type: "text", text: "USER-TEXT" }] },
  {
    role: "user",
    content: [
      { type: "image", source: { kind: "url", url: "https://example.test/cat.png" } },
      { type: "image", source: { kind: "url", url: "https://example.test/dog.png" }, detail: "low" },
      { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0xLjQK" } },
      { type: "file", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
    ],
  },
  {
    role: "assistant",
    content: [
      {
        type: "thinking",
        text: "THINKING-TEXT",
        signature: { origin: "anthropic", value: "SIGNATURE-NOT-COUNTED" },
      },
      { type: "thinking", text: "", redactedData: "REDACTED-NOT-COUNTED" },
      { type: "tool-call", id: "call_ID-NOT-COUNTED", name: "TOOL-NAME", arguments: '{"ARG":"VALUE"}' },
    ],
  },
  {
    role: "tool",
    content: [
      {
        type: "tool-result",
        callId: "call_ID-NOT-COUNTED",
        content: [
          { type: "text", text: "RESULT-TEXT" },
          { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
        ],
      },
    ],
  },
];

const fullRequest = request({
  system: [{ type: "text", text: "SYSTEM-TEXT" }],
  messages: everyPart,
  tools: [
    {
      kind: "function",
      name: "FUNCTION-NAME",
      description: "FUNCTION-DESCRIPTION",
      parameters: { type: "object", properties: { CITY: { type: "string" } } },
    },
    { kind: "custom", name: "CUSTOM-NAME", description: "CUSTOM-DESCRIPTION" },
    {
      kind: "server",
      name: "web_search",
      type: "web_search_20250305",
      protocol: "anthropic",
      config: { max_uses: 3 },
    },
  ],
  output: { type: "json-schema", name: "SCHEMA-NAME", schema: { type: "object", properties: { OUT: {} } } },
});

describe("the request walk", () => {
  it("counts every part type: text, thinking, tool calls, tool results, tool definitions", () => {
    const counter = recordingCounter();
    countRequestTokens(fullRequest, counter);
    const seen = counter.seen.join("\n");
    for (const expected of [
      "SYSTEM-TEXT",
      "USER-TEXT",
      "THINKING-TEXT",
      "TOOL-NAME",
      '{"ARG":"VALUE"}',
      "RESULT-TEXT",
      "FUNCTION-NAME",
      "FUNCTION-DESCRIPTION",
      '{"type":"object","properties":{"CITY":{"type":"string"}}}',
      "CUSTOM-NAME",
      "CUSTOM-DESCRIPTION",
      '{"max_uses":3}',
      "SCHEMA-NAME",
      '{"type":"object","properties":{"OUT":{}}}',
    ]) {
      expect(seen).toContain(expected);
    }
  });

  it("never counts ids, signatures, redacted data, base64 payloads or the model name", () => {
    const counter = recordingCounter();
    countRequestTokens(fullRequest, counter);
    const seen = counter.seen.join("\n");
    for (const hidden of ["NOT-COUNTED", "iVBOR", "JVBER", "example.test", "gpt-5"]) {
      expect(seen).not.toContain(hidden);
    }
  });

  it("adds the documented fixed costs for framing, images and files", () => {
    const { fixedTokens } = collectRequestTexts(fullRequest);
    const expected =
      COST.request +
      COST.message * 5 + // the system prompt and four messages
      COST.image * 3 + // two full images (one as an image file, one in a tool result)
      COST.lowDetailImage +
      COST.file +
      COST.toolCall +
      COST.toolResult +
      COST.tool * 3;
    expect(fixedTokens).toBe(expected);
    const counter = recordingCounter();
    expect(countRequestTokens(fullRequest, counter)).toBe(expected + counter.chars);
  });

  it("estimates over the same texts and costs as it counts", () => {
    const { texts, fixedTokens } = collectRequestTexts(fullRequest);
    const textEstimate = texts.reduce((sum, text) => sum + estimateTokenCost(text), 0);
    expect(estimateRequestTokens(fullRequest)).toBe(Math.round(fixedTokens + textEstimate));
  });

  it("costs only the framing for an empty conversation", () => {
    expect(estimateRequestTokens(request())).toBe(COST.request);
    expect(countRequestTokens(request(), recordingCounter())).toBe(COST.request);
  });
});

describe("countRequestTokens beyond maxExactChars", () => {
  const long = request({
    system: [{ type: "text", text: `${"alpha beta gamma. ".repeat(1500)}${"omega psi chi. ".repeat(1500)}` }],
    messages: [
      { role: "user", content: [{ type: "text", text: "一只敏捷的狐狸跳过了懒狗。".repeat(2000) }] },
      { role: "assistant", content: [{ type: "text", text: "ok" }] },
    ],
  });
  const { chars, fixedTokens } = collectRequestTexts(long);

  it("counts exactly up to the budget", () => {
    const counter = recordingCounter();
    const tokens = countRequestTokens(long, counter, { maxExactChars: chars });
    expect(counter.chars).toBe(chars);
    expect(tokens).toBe(fixedTokens + chars);
  });

  it("counts a share of every text, spread over it, and extrapolates the rest", () => {
    const counter = recordingCounter();
    const budget = Math.floor(chars / 10);
    const tokens = countRequestTokens(long, counter, { maxExactChars: budget });
    expect(counter.chars).toBeLessThanOrEqual(budget + 3);
    const seen = counter.seen.join("|");
    for (const part of ["alpha", "omega", "狐狸", "o"]) expect(seen).toContain(part);
    // The fake counter charges one token per character, so the truth is the character count.
    const truth = fixedTokens + chars;
    expect(Math.abs(tokens - truth) / truth).toBeLessThan(0.02);
  });
});

describe("the sampled first estimate of a long prompt", () => {
  const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
  const english = fixture("english.txt");
  const chinese = fixture("chinese.txt");
  const code = `${"export function route(request: Request): Target | undefined {\n  return pools.find((pool) => pool.accepts(request));\n}\n".repeat(40)}`;
  const json = JSON.stringify(
    Array.from({ length: 300 }, (_, index) => ({
      id: `call_${index}`,
      path: `/src/file-${index}.ts`,
      ok: true,
    })),
  );
  const user = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });
  const relativeError = (prompt: CanonicalRequest) => {
    const collected = collectRequestTexts(prompt);
    const full = sumEstimatedTokens(collected);
    return Math.abs(sampleEstimatedTokens(collected) - full) / full;
  };

  it("lands within 3 % of the full estimate on a prompt mixing prose, code, JSON and Chinese", () => {
    const messages = Array.from({ length: 24 }, (_, index) =>
      user([english, code, json, chinese][index % 4] ?? ""),
    );
    const prompt = request({ system: [{ type: "text", text: english.repeat(3) }], messages });
    expect(collectRequestTexts(prompt).chars).toBeGreaterThan(100_000);
    expect(relativeError(prompt)).toBeLessThan(0.03);
  });

  it("reads the whole prompt, not its opening: English first, then as much Chinese", () => {
    const messages = [
      ...Array.from({ length: 30 }, () => user(english)),
      ...Array.from({ length: 30 }, () => user(chinese)),
    ];
    expect(relativeError(request({ messages }))).toBeLessThan(0.03);
  });

  it("reads inside one long text as well: a Chinese passage in the middle of English", () => {
    const text = `${english.repeat(12)}${chinese.repeat(6)}${english.repeat(12)}`;
    expect(relativeError(request({ messages: [user(text)] }))).toBeLessThan(0.05);
  });

  it("is the full estimate for a prompt no longer than the sample", () => {
    const collected = collectRequestTexts(request({ messages: [user(english), user(chinese)] }));
    expect(sampleEstimatedTokens(collected, 10_000)).toBe(sumEstimatedTokens(collected));
  });
});
