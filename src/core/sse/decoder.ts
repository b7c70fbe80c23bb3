import { LlmuxError } from "../model/errors.js";
import type { SseFrame } from "./frame.js";

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;

export const DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

export interface SseDecoderOptions {
  /** Largest event (all its lines together) accepted before the stream is failed. */
  maxEventBytes?: number;
}

/** The field a line names, when it is one the decoder keeps (`data`, `event`, `id`). */
function fieldOf(buffer: Buffer, start: number, end: number): "data" | "event" | "id" | undefined {
  switch (end - start) {
    case 4:
      return buffer[start] === 0x64 &&
        buffer[start + 1] === 0x61 &&
        buffer[start + 2] === 0x74 &&
        buffer[start + 3] === 0x61
        ? "data"
        : undefined;
    case 5:
      return buffer[start] === 0x65 &&
        buffer[start + 1] === 0x76 &&
        buffer[start + 2] === 0x65 &&
        buffer[start + 3] === 0x6e &&
        buffer[start + 4] === 0x74
        ? "event"
        : undefined;
    case 2:
      return buffer[start] === 0x69 && buffer[start + 1] === 0x64 ? "id" : undefined;
    default:
      return undefined;
  }
}

/** Whether buffer[start, end) holds ASCII bytes only, the characters of `text`. */
function sameAscii(buffer: Buffer, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let index = 0; index < text.length; index++) {
    const byte = buffer[start + index]!;
    if (byte >= 0x80 || byte !== text.charCodeAt(index)) return false;
  }
  return true;
}

/**
 * Byte-level SSE framing (WHATWG event-stream rules): lines end in CR, LF or CRLF, a blank
 * line dispatches, `:` lines are comments, one leading space after the colon is dropped.
 * Chunks may split anywhere, even inside a CRLF or a UTF-8 sequence: text is decoded only
 * from whole lines. Throws LlmuxError("upstream_error") when an event grows past the cap.
 */
export class SseDecoder {
  private readonly maxEventBytes: number;
  private readonly onFrame: (frame: SseFrame) => void;
  /** Bytes of a line not yet ended, chunk by chunk. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipLeadingLf = false;
  private eventBytes = 0;
  private data: string[] = [];
  private hasData = false;
  private eventName: string | undefined;
  /** The last event name decoded: streams repeat a few names, so a repeat is not decoded again. */
  private lastEventName = "";
  private lastId: string | undefined;

  constructor(onFrame: (frame: SseFrame) => void, options: SseDecoderOptions = {}) {
    this.onFrame = onFrame;
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  }

  push(chunk: Uint8Array): void {
    const buffer = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const length = buffer.length;
    let start = 0;
    if (this.skipLeadingLf && length > 0) {
      this.skipLeadingLf = false;
      if (buffer[0] === LF) start = 1;
    }
    // Line ends found with native searches, each search result reused until passed: linear in
    // the chunk, and a long line split over many chunks is copied once, not once per chunk.
    let nextLf = buffer.indexOf(LF, start);
    let nextCr = buffer.indexOf(CR, start);
    let position = start;
    while (position < length) {
      if (nextLf !== -1 && nextLf < position) nextLf = buffer.indexOf(LF, position);
      if (nextCr !== -1 && nextCr < position) nextCr = buffer.indexOf(CR, position);
      const end = nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
      if (end === -1) break;
      if (this.pending.length > 0) {
        const line = Buffer.concat([...this.pending, buffer.subarray(start, end)]);
        this.pending = [];
        this.pendingBytes = 0;
        this.line(line, 0, line.length);
      } else {
        this.line(buffer, start, end);
      }
      position = end;
      if (buffer[end] === CR) {
        if (end + 1 < length) {
          if (buffer[end + 1] === LF) position++;
        } else {
          this.skipLeadingLf = true;
        }
      }
      position++;
      start = position;
    }
    if (start < length) {
      const rest = length - start;
      this.pendingBytes += rest;
      if (this.eventBytes + this.pendingBytes > this.maxEventBytes) this.tooLarge();
      this.pending.push(Buffer.from(buffer.subarray(start)));
    }
  }

  /** The upstream closed: an event still open without its blank line is dispatched. */
  end(): void {
    if (this.pending.length > 0) {
      const rest = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      this.line(rest, 0, rest.length);
    }
    this.dispatch();
  }

  private line(buffer: Buffer, start: number, end: number): void {
    if (start === end) {
      this.dispatch();
      return;
    }
    this.eventBytes += end - start + 1;
    if (this.eventBytes > this.maxEventBytes) this.tooLarge();
    if (buffer[start] === COLON) return;
    // The field name is matched on its bytes: no string is made for it. Names kept are at most
    // 5 bytes, so the colon is looked for among the first 6 bytes only.
    const limit = Math.min(end, start + 6);
    let colon = start + 1;
    while (colon < limit && buffer[colon] !== COLON) colon++;
    if (colon === limit && limit < end) return;
    const field = fieldOf(buffer, start, colon);
    if (field === undefined) return;
    let valueStart = colon + 1;
    if (valueStart < end && buffer[valueStart] === SPACE) valueStart++;
    if (field === "event" && sameAscii(buffer, valueStart, end, this.lastEventName)) {
      this.eventName = this.lastEventName;
      return;
    }
    // No encoding argument: Buffer#toString then decodes UTF-8 without looking one up.
    const value = valueStart >= end ? "" : buffer.toString(undefined, valueStart, end);
    switch (field) {
      case "data":
        this.data.push(value);
        this.hasData = true;
        break;
      case "event":
        this.eventName = value;
        this.lastEventName = value;
        break;
      case "id":
        if (!value.includes("\0")) this.lastId = value;
        break;
    }
  }

  private dispatch(): void {
    this.eventBytes = 0;
    if (!this.hasData) {
      this.eventName = undefined;
      return;
    }
    const frame: SseFrame = { data: this.data.length === 1 ? this.data[0]! : this.data.join("\n") };
    if (this.eventName !== undefined) frame.event = this.eventName;
    if (this.lastId !== undefined) frame.id = this.lastId;
    this.data = [];
    this.hasData = false;
    this.eventName = undefined;
    this.onFrame(frame);
  }

  private tooLarge(): never {
    throw new LlmuxError("upstream_error", `upstream SSE event exceeds ${this.maxEventBytes} bytes`);
  }
}
