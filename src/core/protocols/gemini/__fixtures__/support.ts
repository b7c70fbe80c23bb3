import { readFileSync } from "node:fs";
import path from "node:path";
import { safeParseJson } from "../../../json/safe-parse.js";
import { accumulate, createSnapshot } from "../../../model/accumulate.js";
import type { StreamEvent } from "../../../model/events.js";
import type { CoreContext } from "../../../model/protocol.js";
import type { CanonicalResponse } from "../../../model/response.js";
import { SseDecoder } from "../../../sse/decoder.js";
import { createGeminiStreamDecoder } from "../stream-decode.js";

/** Test-only helpers: a deterministic context and the vendored fixture corpus. */

export function testContext(now = 1_700_000_000_000): CoreContext {
  let counter = 0;
  return {
    newId: (prefix) => `${prefix}${++counter}`,
    now: () => now,
  };
}

const FIXTURES = path.resolve(process.cwd(), "test/fixtures/external");

export function fixtureText(relative: string): string {
  return readFileSync(path.join(FIXTURES, relative), "utf8");
}

export function parseJson(text: string): unknown {
  const parsed = safeParseJson(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

export function fixtureJson(relative: string): unknown {
  return parseJson(fixtureText(relative));
}

/** The `body` of an extracted request file (`{method, url|uri, body}`). */
export function fixtureRequest(relative: string): { body: unknown; model: string; stream: boolean } {
  const recorded = fixtureJson(relative) as { url?: string; uri?: string; body: unknown };
  const url = recorded.url ?? recorded.uri ?? "";
  const match = /models\/([^/:]+):(\w+)/.exec(url);
  return { body: recorded.body, model: match?.[1] ?? "", stream: match?.[2] === "streamGenerateContent" };
}

/** A vercel-ai `.chunks.txt` file (one JSON per line) as Gemini's SSE wire bytes (CRLF framing). */
export function chunksToSse(text: string): string {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => `data: ${line}\r\n\r\n`)
    .join("");
}

/** SSE bytes -> canonical events, the bytes split at the given offsets. */
export function decodeSse(
  sse: string | Uint8Array,
  splits: readonly number[] = [],
  context = testContext(),
): StreamEvent[] {
  const bytes = typeof sse === "string" ? Buffer.from(sse, "utf8") : Buffer.from(sse);
  const events: StreamEvent[] = [];
  const decoder = createGeminiStreamDecoder(context, (event) => events.push(event));
  const framer = new SseDecoder((frame) => decoder.push(frame));
  let previous = 0;
  for (const split of [...splits, bytes.length]) {
    framer.push(bytes.subarray(previous, split));
    previous = split;
  }
  framer.end();
  decoder.end();
  return events;
}

export function accumulateEvents(events: readonly StreamEvent[]): CanonicalResponse {
  const snapshot = createSnapshot();
  for (const event of events) accumulate(event, snapshot);
  return snapshot.response;
}

/** Checks the block lifecycle contract: unique increasing indexes, start -> delta* -> end, finish last. */
export function lifecycleProblems(events: readonly StreamEvent[]): string[] {
  const problems: string[] = [];
  const open = new Map<number, string>();
  const closed = new Set<number>();
  let lastIndex = -1;
  let finished = false;
  events.forEach((event, position) => {
    if (finished) problems.push(`${position}: ${event.type} after finish`);
    if (position === 0 && event.type !== "response-start" && event.type !== "error") {
      problems.push("first event is neither response-start nor an error");
    }
    if (!("index" in event)) {
      if (event.type === "finish") {
        finished = true;
        if (open.size > 0) problems.push(`finish with open blocks ${[...open.keys()].join(",")}`);
      }
      return;
    }
    const [kind, phase] = event.type.split(/-(?=start|delta|end)/) as [string, string];
    if (phase === "start") {
      if (event.index <= lastIndex) problems.push(`${position}: index ${event.index} not increasing`);
      lastIndex = event.index;
      open.set(event.index, kind);
    } else if (open.get(event.index) !== kind) {
      problems.push(`${position}: ${event.type} on a block that is not an open ${kind}`);
    }
    if (phase === "end") {
      open.delete(event.index);
      closed.add(event.index);
    }
  });
  return problems;
}
