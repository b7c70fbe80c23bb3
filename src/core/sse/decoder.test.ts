import { describe, expect, it } from "vitest";
import { LlmuxError } from "../model/errors.js";
import { SseDecoder } from "./decoder.js";
import type { SseFrame } from "./frame.js";

function decodeAll(chunks: (string | Buffer)[], maxEventBytes?: number): SseFrame[] {
  const frames: SseFrame[] = [];
  const decoder = new SseDecoder(
    (frame) => frames.push(frame),
    maxEventBytes === undefined ? {} : { maxEventBytes },
  );
  for (const chunk of chunks) decoder.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  decoder.end();
  return frames;
}

const STREAM =
  'event: a\ndata: {"x": 1}\n\n: keep-alive comment\n\ndata:no-space\r\n\r\nevent: b\rdata: line1\rdata: line2\r\rdata: "é中😀"\r\n\r\nid: 7\ndata: last';
const EXPECTED: SseFrame[] = [
  { event: "a", data: '{"x": 1}' },
  { data: "no-space" },
  { event: "b", data: "line1\nline2" },
  { data: '"é中😀"' },
  { data: "last", id: "7" },
];

describe("SseDecoder", () => {
  it("frames LF, CR and CRLF streams, skips comments, joins multi-line data, keeps ids", () => {
    expect(decodeAll([STREAM])).toEqual(EXPECTED);
  });

  it("gives the same frames whatever byte the input is split at (inside CRLF and UTF-8 too)", () => {
    const bytes = Buffer.from(STREAM);
    for (let split = 1; split < bytes.length; split++) {
      expect(decodeAll([bytes.subarray(0, split), bytes.subarray(split)])).toEqual(EXPECTED);
    }
    expect(decodeAll([...bytes].map((byte) => Buffer.from([byte])))).toEqual(EXPECTED);
  });

  it("names each event by its own event line, a repeated name as well as a new one", () => {
    const latin1 = Buffer.from([0x65, 0x76, 0x65, 0x6e, 0x74, 0x3a, 0x20, 0xe9, 0x0a]); // "event: " + a lone 0xE9 byte
    const frames = decodeAll([
      "event: delta\ndata: 1\n\nevent: delta\ndata: 2\n\ndata: 3\n\nevent: stop\ndata: 4\n\n",
      "event: delta\ndata: 5\n\nevent: é\ndata: 6\n\n",
      latin1,
      "data: 7\n\nevent:\ndata: 8\n\nevent: deltas\ndata: 9\n\n",
    ]);
    expect(frames.map((frame) => [frame.event, frame.data])).toEqual([
      ["delta", "1"],
      ["delta", "2"],
      [undefined, "3"],
      ["stop", "4"],
      ["delta", "5"],
      ["é", "6"],
      ["\ufffd", "7"],
      ["", "8"],
      ["deltas", "9"],
    ]);
  });

  it("fails the stream when one event grows past the cap, even across many chunks", () => {
    const chunk = Buffer.alloc(1024, 0x61);
    const decoder = new SseDecoder(() => {}, { maxEventBytes: 64 * 1024 });
    decoder.push(Buffer.from("data: "));
    expect(() => {
      for (let index = 0; index < 100; index++) decoder.push(chunk);
    }).toThrow(LlmuxError);
  });

  it("handles a long line split into many small chunks in linear time", () => {
    const frames: SseFrame[] = [];
    const decoder = new SseDecoder((frame) => frames.push(frame));
    decoder.push(Buffer.from("data: "));
    const piece = Buffer.alloc(4096, 0x62);
    const started = process.hrtime.bigint();
    for (let index = 0; index < 1024; index++) decoder.push(piece);
    decoder.push(Buffer.from("\n\n"));
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(frames).toHaveLength(1);
    expect(frames[0]!.data.length).toBe(4096 * 1024);
    // 4 MiB in 4 KiB pieces: a quadratic copy would move ~2 GiB; linear stays far below a second.
    expect(elapsedMs).toBeLessThan(2000);
  });
});
