import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../model/events.js";
import type { CanonicalResponse } from "../../model/response.js";
import {
  accumulateEvents,
  chunksToSse,
  decodeSse,
  fixtureText,
  lifecycleProblems,
  testContext,
} from "./__fixtures__/support.js";
import { geminiAdapter } from "./index.js";

const EXTERNAL = path.resolve(process.cwd(), "test/fixtures/external");

function filesUnder(relative: string, pattern: RegExp): string[] {
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(path.join(EXTERNAL, directory), { withFileTypes: true })) {
      const child = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (pattern.test(entry.name)) found.push(child);
    }
  };
  walk(relative);
  return found.sort();
}

/** Every recorded Gemini stream, as the SSE bytes the upstream sent. */
const streams: [string, string][] = [
  ...filesUnder("vercel-ai/google", /\.chunks\.txt$/).map((file): [string, string] => [
    file,
    chunksToSse(fixtureText(file)),
  ]),
  ...filesUnder("pydantic-ai/extracted/test_google", /\.sse$/).map((file): [string, string] => [
    file,
    fixtureText(file),
  ]),
  ...filesUnder("pydantic-ai/extracted/test_stream_close", /\.sse$/)
    .filter((file) => file.includes("google"))
    .map((file): [string, string] => [file, fixtureText(file)]),
  ...filesUnder("js-genai/extracted", /\.sse$/).map((file): [string, string] => [file, fixtureText(file)]),
];

function randomSplits(length: number, seed: number): number[] {
  let state = seed;
  const next = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const count = 1 + Math.floor(next() * 30);
  return Array.from({ length: count }, () => Math.floor(next() * length)).sort((a, b) => a - b);
}

function withoutIds(response: CanonicalResponse): unknown {
  return {
    ...response,
    id: "<id>",
    model: "<model>",
    content: response.content.map((part) => (part.type === "tool-call" ? { ...part, id: "<id>" } : part)),
  };
}

describe("Gemini adapter conformance on every recorded stream", () => {
  it("covers the recorded streams", () => {
    expect(streams.length).toBeGreaterThanOrEqual(20);
  });

  it.each(streams)("%s", (_name, sse) => {
    const events = decodeSse(sse);
    // The block lifecycle contract.
    expect(lifecycleProblems(events)).toEqual([]);
    // Identical events whatever bytes the input is split at.
    const length = Buffer.byteLength(sse);
    for (let round = 1; round <= 12; round++) {
      expect(decodeSse(sse, randomSplits(length, round * 7919))).toEqual(events);
    }
    if (events.at(-1)?.type === "error") return;
    const response = accumulateEvents(events);
    // The accumulated stream equals the non-stream decoding of the same turn.
    const body = geminiAdapter.encodeResponse(response, { model: response.model }, testContext());
    expect(withoutIds(geminiAdapter.decodeResponse(body, testContext()))).toEqual(withoutIds(response));
    // Our stream encoder and decoder are inverse on real traffic.
    let encoded = "";
    const encoder = geminiAdapter.createStreamEncoder({ model: response.model }, testContext(), (text) => {
      encoded += text;
    });
    for (const event of events) encoder.push(event);
    encoder.end();
    const again: StreamEvent[] = decodeSse(encoded);
    expect(lifecycleProblems(again)).toEqual([]);
    expect(withoutIds(accumulateEvents(again))).toEqual(withoutIds(response));
  });
});
