/**
 * Test support for the openai-responses adapter: a deterministic CoreContext, readers for the
 * vendored public fixtures (test/fixtures/external) and helpers that run them through the
 * decoders. Lives in __fixtures__ so it stays out of the build; only tests import it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { safeParseJson } from "../../../json/safe-parse.js";
import { accumulate, createSnapshot } from "../../../model/accumulate.js";
import type { StreamEvent } from "../../../model/events.js";
import type { CoreContext } from "../../../model/protocol.js";
import type { CanonicalResponse } from "../../../model/response.js";
import { SseDecoder } from "../../../sse/decoder.js";
import type { SseFrame } from "../../../sse/frame.js";
import { openAiResponsesAdapter } from "../index.js";

export const FIXED_NOW = 1_750_000_000_000;

/** Ids `${prefix}1`, `${prefix}2` ... and a fixed clock. */
export function testContext(): CoreContext {
  let counter = 0;
  return {
    newId: (prefix) => `${prefix}${++counter}`,
    now: () => FIXED_NOW,
  };
}

export function externalPath(relative: string): string {
  return path.resolve(process.cwd(), "test/fixtures/external", relative);
}

export function readExternal(relative: string): string {
  return readFileSync(externalPath(relative), "utf8");
}

/** JSON text that must parse (a fixture or encoder output); throws with the reason otherwise. */
export function parseJson(text: string): unknown {
  const parsed = safeParseJson(text);
  if (!parsed.ok) throw new Error(`invalid JSON: ${parsed.error}`);
  return parsed.value;
}

export function readJson(relative: string): unknown {
  return parseJson(readExternal(relative));
}

/** A vercel-ai `.chunks.txt` file: one JSON payload per line. */
export function readChunkLines(relative: string): string[] {
  return readExternal(relative)
    .split("\n")
    .filter((line) => line.trim() !== "");
}

/** A chunk line's `type`; undefined for a line that is not valid JSON (some vendored lines are not). */
function typeOf(line: string): string | undefined {
  const parsed = safeParseJson(line);
  return parsed.ok ? (parsed.value as { type?: string }).type : undefined;
}

/** Chunk lines as Responses SSE wire text (`event: <type>` + `data:`), as the API sends them. */
export function chunkLinesToSse(lines: readonly string[]): string {
  return lines
    .map((line) => {
      const type = typeOf(line);
      return type === undefined ? `data: ${line}\n\n` : `event: ${type}\ndata: ${line}\n\n`;
    })
    .join("");
}

/** Several recorded responses in one chunks file, split at each response.created. */
export function splitStreams(lines: readonly string[]): string[][] {
  const streams: string[][] = [];
  for (const line of lines) {
    if (typeOf(line) === "response.created" || streams.length === 0) streams.push([]);
    streams[streams.length - 1]?.push(line);
  }
  return streams;
}

export interface CassetteInteraction {
  request: unknown;
  status: number;
  /** Raw body text (SSE streams) when recorded as a string. */
  bodyText?: string;
  /** Parsed body (JSON responses). */
  body?: unknown;
}

/** A pydantic-ai VCR cassette. */
export function readCassette(relative: string): CassetteInteraction[] {
  const document = parseYaml(readExternal(relative)) as {
    interactions: {
      request: { parsed_body?: unknown };
      response: { status: { code: number }; body?: { string?: string }; parsed_body?: unknown };
    }[];
  };
  return document.interactions.map((interaction) => {
    const result: CassetteInteraction = {
      request: interaction.request.parsed_body,
      status: interaction.response.status.code,
    };
    if (interaction.response.body?.string !== undefined) result.bodyText = interaction.response.body.string;
    if (interaction.response.parsed_body !== undefined) result.body = interaction.response.parsed_body;
    return result;
  });
}

/** SSE text through the byte-level framer (in the given chunk sizes) and the stream decoder. */
export function decodeSseText(text: string, splitAt: readonly number[] = []): StreamEvent[] {
  const events: StreamEvent[] = [];
  const decoder = openAiResponsesAdapter.createStreamDecoder(testContext(), (event) => events.push(event));
  const framer = new SseDecoder((frame: SseFrame) => decoder.push(frame));
  const bytes = Buffer.from(text, "utf8");
  let previous = 0;
  for (const point of [...splitAt, bytes.length]) {
    framer.push(bytes.subarray(previous, point));
    previous = point;
  }
  framer.end();
  decoder.end();
  return events;
}

export function decodeChunkLines(lines: readonly string[]): StreamEvent[] {
  return decodeSseText(chunkLinesToSse(lines));
}

export function accumulateEvents(events: readonly StreamEvent[]): CanonicalResponse {
  let snapshot = createSnapshot();
  for (const event of events) snapshot = accumulate(event, snapshot);
  return snapshot.response;
}

/** A response with what legitimately differs between two recordings or encodings blanked. */
export function withoutVolatile(response: CanonicalResponse): CanonicalResponse {
  return {
    ...response,
    warnings: [],
    content: response.content.map((part) => {
      if (part.type !== "thinking" || part.signature === undefined) return part;
      return { ...part, signature: { origin: part.signature.origin, value: "<signature>" } };
    }),
  };
}
