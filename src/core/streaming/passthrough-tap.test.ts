import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Usage } from "../model/usage.js";
import { PassthroughTap } from "./passthrough-tap.js";
import { TAP_READERS, type UsageDecoder } from "./tap-readers.js";

const fixture = (path: string) => readFileSync(`test/fixtures/external/${path}`, "utf8");

/** A stand-in usage decoder: reads the integer fields the tests care about. */
const decodeUsage: UsageDecoder = (wire) => {
  if (typeof wire !== "object" || wire === null) return undefined;
  const record = wire as Record<string, unknown>;
  const number = (key: string) => (typeof record[key] === "number" ? (record[key] as number) : 0);
  const usage: Usage = {
    inputTokens: number("input_tokens") || number("prompt_tokens") || number("promptTokenCount"),
    cacheReadTokens: number("cache_read_input_tokens"),
    cacheWriteTokens: number("cache_creation_input_tokens"),
    outputTokens: number("output_tokens") || number("completion_tokens") || number("candidatesTokenCount"),
    reasoningTokens: 0,
  };
  return usage;
};

function sse(lines: string[], withEvent: boolean, separator = "\n\n"): string {
  return lines
    .map((line) => {
      const type = withEvent ? (JSON.parse(line) as { type: string }).type : undefined;
      return `${type === undefined ? "" : `event: ${type}\n`}data: ${line}${separator}`;
    })
    .join("");
}

function runAtSplits(tap: () => PassthroughTap, input: Buffer, step: number) {
  const results: { output: string; tap: PassthroughTap }[] = [];
  for (let size = 1; size < input.length; size += step) {
    const instance = tap();
    const parts: Buffer[] = [];
    for (let offset = 0; offset < input.length; offset += size) {
      const out = instance.push(input.subarray(offset, offset + size));
      if (out !== undefined) parts.push(out);
    }
    const rest = instance.end();
    if (rest !== undefined) parts.push(rest);
    results.push({ output: Buffer.concat(parts).toString("utf8"), tap: instance });
  }
  return results;
}

describe("PassthroughTap", () => {
  it("passes Anthropic bytes through untouched but for the model, and reads usage and stop reason", () => {
    const lines = fixture("vercel-ai/anthropic/anthropic-text.chunks.txt").trim().split("\n");
    const input = Buffer.from(sse(lines, true));
    const upstreamModel = (JSON.parse(lines[0]!) as { message: { model: string } }).message.model;
    const expected = input
      .toString("utf8")
      .replace(`"model":"${upstreamModel}"`, '"model":"claude-client-name"');
    for (const { output, tap } of runAtSplits(
      () => new PassthroughTap(TAP_READERS.anthropic, decodeUsage, "claude-client-name"),
      input,
      7,
    )) {
      expect(output).toBe(expected);
      expect(tap.result.finishReason).toBe("end_turn");
      expect(tap.result.usage?.outputTokens).toBeGreaterThan(0);
      expect(tap.result.usage?.inputTokens).toBeGreaterThan(0);
    }
  });

  it("keeps CRLF framing byte for byte (Gemini) and rewrites modelVersion", () => {
    const lines = fixture("vercel-ai/google/google-reasoning.chunks.txt").trim().split("\n");
    const input = Buffer.from(sse(lines, false, "\r\n\r\n"));
    const results = runAtSplits(
      () => new PassthroughTap(TAP_READERS.gemini, decodeUsage, "my-gemini"),
      input,
      5,
    );
    for (const { output, tap } of results) {
      expect(output.replace(/"modelVersion":\s*"[^"]*"/g, "")).toBe(
        input.toString("utf8").replace(/"modelVersion":\s*"[^"]*"/g, ""),
      );
      expect(output.length).toBeGreaterThan(0);
      expect(tap.result.finishReason).toBe("STOP");
    }
    const rewritten = results[0]!.output;
    if (rewritten.includes('"modelVersion"')) expect(rewritten).toContain('"modelVersion":"my-gemini"');
  });

  it("reads OpenAI chat usage from the include_usage chunk and the finish reason", () => {
    const input = Buffer.from(
      [
        'data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}',
        'data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}',
        'data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-x","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":3}}',
        "data: [DONE]",
        "",
      ].join("\n\n"),
    );
    const { output, tap } = runAtSplits(
      () => new PassthroughTap(TAP_READERS["openai-chat"], decodeUsage, "alias"),
      input,
      input.length,
    )[0]!;
    expect(output.match(/"model":"alias"/g)).toHaveLength(3);
    expect(output).toContain("data: [DONE]");
    expect(tap.result.finishReason).toBe("stop");
    expect(tap.result.usage).toMatchObject({ inputTokens: 11, outputTokens: 3 });
  });

  it("keeps comment lines (keep-alives) and records an in-stream error", () => {
    const input = Buffer.from(
      ': OPENROUTER PROCESSING\n\ndata: {"error":{"message":"Token limit reached","code":400}}\n\n',
    );
    const tap = new PassthroughTap(TAP_READERS["openai-chat"], decodeUsage, "m");
    expect(Buffer.concat([tap.push(input) ?? Buffer.alloc(0)]).toString()).toBe(input.toString());
    expect(tap.result.error).toBe("Token limit reached");
  });

  it("rewrites the model of a whole non-streaming body without re-serializing it", () => {
    const body = Buffer.from(fixture("vercel-ai/anthropic/anthropic-text.json"));
    const tap = new PassthroughTap(TAP_READERS.anthropic, decodeUsage, "alias");
    const out = tap.body(body).toString("utf8");
    expect(JSON.parse(out).model).toBe("alias");
    expect(out.replace(/"model":\s*"alias"/, "")).toBe(
      body.toString("utf8").replace(/"model":\s*"[^"]*"/, ""),
    );
    expect(tap.result.finishReason).toBe("end_turn");
  });
});
