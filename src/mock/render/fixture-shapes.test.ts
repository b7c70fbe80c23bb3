import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseJsonOrThrow } from "../../core/json/safe-parse.js";
import { parseSseText } from "../collect-sse-events.js";
import type { MockScript } from "../script.js";
import { renderMockResponse } from "./mock-response.js";
import type { RenderContext } from "./shared.js";

/**
 * The mock's wire output has every field the real APIs send (recorded traffic under
 * test/fixtures/external), event type by event type, except the few listed as not rendered.
 */

const FIXTURES = path.resolve(process.cwd(), "test/fixtures/external");

function readLines(file: string): unknown[] {
  return readFileSync(path.join(FIXTURES, file), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => parseJsonOrThrow(line, "upstream"));
}

function readSse(file: string): unknown[] {
  return parseSseText(readFileSync(path.join(FIXTURES, file), "utf8"))
    .filter((event) => event.data !== "[DONE]")
    .map((event) => event.json);
}

function readJson(file: string): unknown {
  return parseJsonOrThrow(readFileSync(path.join(FIXTURES, file), "utf8"), "upstream");
}

/** Tool arguments are data, not shape. */
const DATA_KEYS = new Set(["input", "args"]);

/** Every path to every value (`choices[].delta.content`). */
function paths(value: unknown, prefix = "", into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) paths(item, `${prefix}[]`, into);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const next = prefix === "" ? key : `${prefix}.${key}`;
      into.add(next);
      if (!DATA_KEYS.has(key)) paths(child, next, into);
    }
  }
  return into;
}

/** Paths per event `type` (one group when events have no type). */
function pathsByType(events: unknown[]): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const event of events) {
    const type =
      typeof event === "object" && event !== null && "type" in event ? String(event.type) : "(untyped)";
    paths(event, "", groups.get(type) ?? groups.set(type, new Set()).get(type));
  }
  return groups;
}

/** Paths the recording has and the mock lacks, per event type, for event types both send. */
function missing(real: unknown[], ours: unknown[], ignored: RegExp): Record<string, string[]> {
  const mine = pathsByType(ours);
  const result: Record<string, string[]> = {};
  for (const [type, realPaths] of pathsByType(real)) {
    const ourPaths = mine.get(type);
    if (ourPaths === undefined) continue;
    const lacking = [...realPaths].filter((entry) => !ourPaths.has(entry) && !ignored.test(entry));
    if (lacking.length > 0) result[type] = lacking;
  }
  return result;
}

const CONTEXT: RenderContext = { model: "model-x", created: 1_700_000_000, seed: "1", includeUsage: true };

const SCRIPT: MockScript = {
  steps: [
    { type: "thinking", text: "Thinking it over.", signature: "sig", encryptedContent: "enc", deltas: 2 },
    { type: "text", text: "Some text in three deltas.", deltas: 3 },
    { type: "tool-calls", calls: [{ name: "lookup", arguments: { q: "x" }, signature: "gsig" }] },
  ],
  usage: { input: 10, output: 20, cacheRead: 5, cacheWrite: 1, reasoning: 4 },
};

function ourStream(
  protocol: Parameters<typeof renderMockResponse>[0],
  script: MockScript = SCRIPT,
): unknown[] {
  const rendering = renderMockResponse(protocol, script, CONTEXT, { stream: true });
  if (rendering.kind !== "stream") throw new Error("expected a stream");
  return parseSseText(rendering.frames.join(""))
    .filter((event) => event.data !== "[DONE]")
    .map((event) => event.json);
}

function ourBody(protocol: Parameters<typeof renderMockResponse>[0], script: MockScript = SCRIPT): unknown {
  const rendering = renderMockResponse(protocol, script, CONTEXT, { stream: false });
  if (rendering.kind !== "json") throw new Error("expected a body");
  return parseJsonOrThrow(rendering.body, "upstream");
}

describe("mock wire shapes match recorded traffic", () => {
  it("openai-chat chunks and completions", () => {
    const ignored = /obfuscation|annotations\[\]/;
    const real = [
      ...readLines("vercel-ai/openai/chat/openai-text.chunks.txt"),
      ...readSse("pydantic-ai/extracted/test_openai/test_run_stream_sync_streams_real_model/01-response.sse"),
    ];
    expect(missing(real, ourStream("openai-chat"), ignored)).toEqual({});
    const completions = [
      readJson("vercel-ai/openai/chat/openai-text.json"),
      readJson(
        "pydantic-ai/extracted/test_openai/test_openai_instructions_with_tool_calls_keep_instructions/01-response.json",
      ),
    ];
    expect(missing(completions, [ourBody("openai-chat")], ignored)).toEqual({});
  });

  it("openai-responses events and response objects", () => {
    // Not rendered: the request echo (tools' schemas), billing, and encrypted_content on
    // output_item.added (the real API sends a provisional one; the final one comes on .done).
    const ignored =
      /obfuscation|^response\.tools\[\]\.|^tools\[\]\.|billing|prompt_cache_retention|^item\.encrypted_content$/;
    const real = [
      ...readLines("vercel-ai/openai/responses/openai-reasoning-encrypted-content.1.chunks.txt"),
      ...readSse(
        "pydantic-ai/extracted/test_openai_responses/test_openai_responses_streaming_usage/01-response.sse",
      ),
    ];
    expect(missing(real, ourStream("openai-responses"), ignored)).toEqual({});
    const body = readJson("vercel-ai/openai/responses/openai-reasoning-encrypted-content.1.json");
    expect(missing([body], [ourBody("openai-responses")], ignored)).toEqual({});
  });

  it("anthropic events and messages", () => {
    // Not rendered: context management edits and the inference region.
    const ignored = /context_management|inference_geo/;
    const real = [
      ...readLines("vercel-ai/anthropic/anthropic-text.chunks.txt"),
      ...readLines("vercel-ai/anthropic/anthropic-json-tool.1.chunks.txt"),
      ...readLines("vercel-ai/anthropic/anthropic-clear-thinking.1.chunks.txt"),
    ];
    expect(missing(real, ourStream("anthropic"), ignored)).toEqual({});
    const bodies = [
      readJson("vercel-ai/anthropic/anthropic-clear-thinking.1.json"),
      readJson("vercel-ai/anthropic/anthropic-json-tool.1.json"),
    ];
    expect(missing(bodies, [ourBody("anthropic")], ignored)).toEqual({});
  });

  it("gemini chunks and responses", () => {
    // Not rendered: finishMessage (an optional human-readable note).
    const ignored = /finishMessage/;
    const real = [
      ...readLines("vercel-ai/google/google-tool-call-gemini3.chunks.txt"),
      ...readLines("vercel-ai/google/google-reasoning.chunks.txt"),
      ...readSse("pydantic-ai/extracted/test_google/test_google_model_thinking_part_iter/01-response.sse"),
    ];
    expect(missing(real, ourStream("gemini"), ignored)).toEqual({});
    const bodies = [
      readJson("vercel-ai/google/google-tool-call-gemini3.json"),
      readJson("vercel-ai/google/google-text.json"),
    ];
    expect(missing(bodies, [ourBody("gemini")], ignored)).toEqual({});
  });

  it("error bodies", () => {
    const gemini = renderMockResponse("gemini", { error: { status: 429, retryAfterSeconds: 34 } }, CONTEXT, {
      stream: false,
    });
    expect(
      gemini.kind === "json" &&
        missing(
          [readJson("vercel-ai/google/google-429-retry-info.json")],
          [parseJsonOrThrow(gemini.body, "upstream")],
          /^$/,
        ),
    ).toEqual({});
    const openai = renderMockResponse("openai-responses", { error: { status: 429 } }, CONTEXT, {
      stream: false,
    });
    expect(
      openai.kind === "json" &&
        missing(
          [readJson("vercel-ai/openai/responses/openai-error.1.json")],
          [parseJsonOrThrow(openai.body, "upstream")],
          /^$/,
        ),
    ).toEqual({});
  });
});
