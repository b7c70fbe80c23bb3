import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SseDecoder } from "./decoder.js";
import { PayloadReader } from "./payload-reader.js";

const FIXTURES = path.resolve(process.cwd(), "test/fixtures/external");

function files(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

/** The `data:` payloads of every recorded upstream stream, stream by stream. */
function recordedStreams(): { name: string; payloads: string[] }[] {
  return files(FIXTURES).flatMap((file) => {
    const text = readFileSync(file, "utf8");
    let payloads: string[];
    if (file.endsWith(".chunks.txt")) payloads = text.split("\n").filter((line) => line.trim() !== "");
    else if (file.endsWith(".sse")) {
      payloads = [];
      const decoder = new SseDecoder((frame) => payloads.push(frame.data));
      decoder.push(Buffer.from(text));
      decoder.end();
    } else return [];
    return [{ name: path.relative(FIXTURES, file), payloads }];
  });
}

/** A Chat Completions stream as OpenAI writes it: one envelope, varying text and obfuscation. */
function chatStream(deltas: number): string[] {
  return Array.from(
    { length: deltas },
    (_, index) =>
      `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1770933892,"model":"gpt-4.1","service_tier":"default","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":${JSON.stringify(`word${index} `)}},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"${"x".repeat(index % 7)}"}`,
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("PayloadReader", () => {
  it("reads every payload of every recorded stream exactly as JSON.parse does", () => {
    const streams = recordedStreams();
    expect(streams.length).toBeGreaterThan(40);
    for (const { name, payloads } of streams) {
      const reader = new PayloadReader();
      for (const payload of payloads) {
        let expected: unknown;
        try {
          expected = JSON.parse(payload);
        } catch {
          expect(reader.read(payload).ok, name).toBe(false);
          continue;
        }
        expect(reader.read(payload), `${name}: ${payload.slice(0, 80)}`).toStrictEqual({
          ok: true,
          value: expected,
        });
      }
    }
  });

  it("parses only until it knows a stream's layout", () => {
    const payloads = chatStream(200);
    const parse = vi.spyOn(JSON, "parse");
    const reader = new PayloadReader();
    const values = payloads.map((payload) => reader.read(payload));
    const parsed = parse.mock.calls.length;
    parse.mockRestore();
    expect(values).toStrictEqual(payloads.map((payload) => ({ ok: true, value: JSON.parse(payload) })));
    // The first 8 payloads are parsed before any layout is learned; two more teach it.
    expect(parsed).toBeLessThanOrEqual(10);
  });

  it("keeps a few layouts at once: interleaved kinds of payload are all read without parsing", () => {
    const delta = (index: number, text: string): string =>
      `{"type":"content_block_delta","index":${index},"delta":{"type":"text_delta","text":${JSON.stringify(text)}}}`;
    const thinking = (text: string): string =>
      `{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":${JSON.stringify(text)}}}`;
    const payloads: string[] = [];
    for (let round = 0; round < 50; round++)
      payloads.push(delta(1, `a${round}`), thinking(`t${round}`), delta(2, "b"));
    const parse = vi.spyOn(JSON, "parse");
    const reader = new PayloadReader();
    for (const payload of payloads) reader.read(payload);
    expect(parse.mock.calls.length).toBeLessThanOrEqual(16);
  });

  it("falls back to JSON.parse for layouts it cannot template, and reports errors as it does", () => {
    const spaced = chatStream(60).map((payload) => JSON.stringify(JSON.parse(payload), null, 1));
    const reader = new PayloadReader();
    const parse = vi.spyOn(JSON, "parse");
    const values = spaced.map((payload) => reader.read(payload));
    expect(parse.mock.calls.length).toBe(spaced.length);
    parse.mockRestore();
    expect(values).toStrictEqual(spaced.map((payload) => ({ ok: true, value: JSON.parse(payload) })));

    const stream = chatStream(40);
    const learnedReader = new PayloadReader();
    for (const payload of stream.slice(0, 30)) learnedReader.read(payload);
    // A payload of the learned layout whose text holds a raw line break is invalid JSON.
    expect(learnedReader.read(stream[30]!.replace("word30 ", "word30\n")).ok).toBe(false);
    expect(learnedReader.read("not json").ok).toBe(false);
    const expected = JSON.parse(stream[31]!) as unknown;
    const parseAgain = vi.spyOn(JSON, "parse");
    expect(learnedReader.read(stream[31]!)).toStrictEqual({ ok: true, value: expected });
    expect(parseAgain.mock.calls.length).toBe(0);
  });
});
