import { readFileSync } from "node:fs";
import path from "node:path";
import { safeParseJson } from "../../../json/safe-parse.js";
import type { StreamEvent } from "../../../model/events.js";
import type { CoreContext } from "../../../model/protocol.js";
import { SseDecoder } from "../../../sse/decoder.js";
import type { SseFrame } from "../../../sse/frame.js";
import { createAnthropicStreamDecoder } from "../stream-decode.js";

/** Helpers shared by this folder's tests (fixture loading, deterministic context, replay). */

export const FIXED_NOW = 1_750_000_000_000;

/** A deterministic context: counter-based ids, a fixed clock. */
export function testContext(): CoreContext {
  let counter = 0;
  return { newId: (prefix) => `${prefix}test${++counter}`, now: () => FIXED_NOW };
}

export function fixtureText(relative: string): string {
  return readFileSync(path.resolve(process.cwd(), "test/fixtures/external", relative), "utf8");
}

/** Parse JSON the house way (safeParseJson), throwing in tests when it is not JSON. */
export function parseJson(text: string): unknown {
  const parsed = safeParseJson(text);
  if (!parsed.ok) throw new Error(`not JSON: ${parsed.error}`);
  return parsed.value;
}

export function fixtureJson(relative: string): unknown {
  return parseJson(fixtureText(relative));
}

/** The body of a pydantic-ai extracted request file (`{method, uri, body}`). */
export function cassetteRequestBody(relative: string): unknown {
  return (fixtureJson(relative) as { body: unknown }).body;
}

/** A vercel-ai `.chunks.txt` (one JSON payload per line) as raw Anthropic SSE text. */
export function chunksToSse(chunks: string): string {
  return chunks
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => `event: ${(parseJson(line) as { type: string }).type}\ndata: ${line}\n\n`)
    .join("");
}

export function vercelSse(name: string): string {
  return chunksToSse(fixtureText(`vercel-ai/anthropic/${name}.chunks.txt`));
}

/** Frames of SSE text, split into byte chunks at `splits` (sorted byte offsets). */
export function framesOf(sse: string | Buffer, splits: number[] = []): SseFrame[] {
  const bytes = typeof sse === "string" ? Buffer.from(sse, "utf8") : sse;
  const frames: SseFrame[] = [];
  const decoder = new SseDecoder((frame) => frames.push(frame));
  let start = 0;
  for (const split of splits) {
    decoder.push(bytes.subarray(start, split));
    start = split;
  }
  decoder.push(bytes.subarray(start));
  decoder.end();
  return frames;
}

/** Raw SSE through the byte-level decoder and this folder's stream decoder. */
export function decodeStream(
  sse: string | Buffer,
  splits: number[] = [],
  context = testContext(),
): StreamEvent[] {
  const events: StreamEvent[] = [];
  const decoder = createAnthropicStreamDecoder(context, (event) => events.push(event));
  for (const frame of framesOf(sse, splits)) decoder.push(frame);
  decoder.end();
  return events;
}

export function textOf(events: StreamEvent[]): string {
  let text = "";
  for (const event of events) if (event.type === "text-delta") text += event.text;
  return text;
}
