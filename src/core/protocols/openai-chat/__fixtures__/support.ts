/**
 * Test support for the openai-chat adapter (excluded from the build with the rest of __fixtures__):
 * a deterministic CoreContext, fixture loading, and SSE replay through the real SseDecoder.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { safeParseJson } from "../../../json/safe-parse.js";
import { accumulate, createSnapshot } from "../../../model/accumulate.js";
import type { StreamEvent } from "../../../model/events.js";
import type { CoreContext } from "../../../model/protocol.js";
import type { CanonicalResponse } from "../../../model/response.js";
import { SseDecoder } from "../../../sse/decoder.js";
import type { StreamEncodeOptions } from "../../adapter.js";
import { openAiChatAdapter } from "../index.js";

export const FIXED_NOW = 1_700_000_000_000;

export function testContext(): CoreContext {
  let counter = 0;
  return { newId: (prefix) => `${prefix}test${++counter}`, now: () => FIXED_NOW };
}

export function readExternal(relative: string): string {
  return readFileSync(path.resolve(process.cwd(), "test/fixtures/external", relative), "utf8");
}

export function parseJson(text: string): unknown {
  const parsed = safeParseJson(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

export function readExternalJson(relative: string): unknown {
  return parseJson(readExternal(relative));
}

/** The `body` of a pydantic-ai extracted request file. */
export function readRecordedRequest(relative: string): unknown {
  const recorded = readExternalJson(relative) as { body: unknown };
  return recorded.body;
}

/** vercel-ai `.chunks.txt`: one JSON payload per line, framed as `data:` events (no `[DONE]`). */
export function chunksToSse(chunks: string): string {
  return chunks
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => `data: ${line}\n\n`)
    .join("");
}

/** Replay SSE bytes through SseDecoder and the adapter's stream decoder, split at `splits`. */
export function decodeSse(sse: string | Uint8Array, splits: readonly number[] = []): StreamEvent[] {
  const bytes = typeof sse === "string" ? Buffer.from(sse, "utf8") : Buffer.from(sse);
  const events: StreamEvent[] = [];
  const decoder = openAiChatAdapter.createStreamDecoder(testContext(), (event) => events.push(event));
  const framer = new SseDecoder((frame) => decoder.push(frame));
  let start = 0;
  for (const split of [...splits].sort((a, b) => a - b)) {
    framer.push(bytes.subarray(start, split));
    start = split;
  }
  framer.push(bytes.subarray(start));
  framer.end();
  decoder.end();
  return events;
}

export function accumulateEvents(events: readonly StreamEvent[]): CanonicalResponse & { error?: unknown } {
  let snapshot = createSnapshot();
  for (const event of events) snapshot = accumulate(event, snapshot);
  return snapshot.error === undefined ? snapshot.response : { ...snapshot.response, error: snapshot.error };
}

export function encodeEvents(events: readonly StreamEvent[], options: StreamEncodeOptions): string {
  let text = "";
  const encoder = openAiChatAdapter.createStreamEncoder(options, testContext(), (chunk) => {
    text += chunk;
  });
  for (const event of events) encoder.push(event);
  encoder.end();
  return text;
}

/** The JSON payloads of the `data:` frames of an SSE text (`[DONE]` kept as the string). */
export function sseData(sse: string): unknown[] {
  const payloads: unknown[] = [];
  new SseDecoder((frame) => {
    payloads.push(frame.data === "[DONE]" ? "[DONE]" : parseJson(frame.data));
  }).push(Buffer.from(sse));
  return payloads;
}

/** Every recorded openai-chat stream: [file, is a vercel-ai .chunks.txt]. */
export const STREAM_FIXTURES: [string, boolean][] = [
  ["vercel-ai/openai/chat/openai-text.chunks.txt", true],
  ["vercel-ai/openai/chat/azure-model-router.1.chunks.txt", true],
  ["vercel-ai/deepseek/chat/deepseek-reasoning.chunks.txt", true],
  ["vercel-ai/deepseek/chat/deepseek-tool-call.chunks.txt", true],
  ["vercel-ai/openai-compatible/chat/xai-tool-call.chunks.txt", true],
  ["vercel-ai/openai-compatible/chat/anthropic-fallback-tool-call.sse", false],
  ["pydantic-ai/extracted/test_openai/test_run_stream_sync_streams_real_model/01-response.sse", false],
  ["pydantic-ai/extracted/test_openai/test_run_stream_sync_streams_real_model/02-response.sse", false],
  ["pydantic-ai/extracted/test_openrouter/test_openrouter_stream_error/01-response.sse", false],
  ["pydantic-ai/extracted/test_openrouter/test_openrouter_stream_with_reasoning/01-response.sse", false],
];

export function fixtureSse(file: string, chunks: boolean): string {
  const text = readExternal(file);
  return chunks ? chunksToSse(text) : text;
}
