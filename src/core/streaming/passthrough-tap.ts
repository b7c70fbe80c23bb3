import { safeParseJson } from "../json/safe-parse.js";
import { LlmuxError } from "../model/errors.js";
import { isJsonObject } from "../model/json.js";
import type { Usage } from "../model/usage.js";
import { DEFAULT_MAX_EVENT_BYTES } from "../sse/decoder.js";
import { jsonStringBytes, rewriteStringField } from "./model-field.js";
import type { TapReader, TapUpdate, UsageDecoder } from "./tap-readers.js";

const LF = 0x0a;
const CR = 0x0d;
const DATA_PREFIX = Buffer.from("data:");

/** What the tap has read so far. */
export interface TapResult {
  usage?: Usage;
  finishReason?: string;
  error?: string;
}

function mergeUsage(previous: Usage | undefined, next: Usage): Usage {
  if (previous === undefined) return next;
  return {
    inputTokens: Math.max(previous.inputTokens, next.inputTokens),
    cacheReadTokens: Math.max(previous.cacheReadTokens, next.cacheReadTokens),
    cacheWriteTokens: Math.max(previous.cacheWriteTokens, next.cacheWriteTokens),
    outputTokens: Math.max(previous.outputTokens, next.outputTokens),
    reasoningTokens: Math.max(previous.reasoningTokens, next.reasoningTokens),
  };
}

function applyUpdate(result: TapResult, update: TapUpdate): void {
  if (update.usage !== undefined) result.usage = mergeUsage(result.usage, update.usage);
  if (update.finishReason !== undefined) result.finishReason = update.finishReason;
  if (update.error !== undefined) result.error = update.error;
}

/** The data of the first event in `raw` that has data lines; `undefined` when there is none. */
export function firstEventData(raw: Buffer): string | undefined {
  let eventStart = 0;
  while (eventStart < raw.length) {
    let end = raw.indexOf("\n\n", eventStart);
    const crlf = raw.indexOf("\r\n\r\n", eventStart);
    if (crlf !== -1 && (end === -1 || crlf < end)) end = crlf;
    const event = raw.subarray(eventStart, end === -1 ? raw.length : end);
    const data = eventData(event);
    if (data !== "") return data;
    if (end === -1) break;
    eventStart = end + 2;
  }
  return undefined;
}

/** The data lines of one raw SSE event, joined. */
function eventData(raw: Buffer): string {
  let data = "";
  let lineStart = 0;
  while (lineStart < raw.length) {
    let lineEnd = lineStart;
    while (lineEnd < raw.length && raw[lineEnd] !== LF && raw[lineEnd] !== CR) lineEnd++;
    if (raw.subarray(lineStart, lineStart + DATA_PREFIX.length).equals(DATA_PREFIX)) {
      let valueStart = lineStart + DATA_PREFIX.length;
      if (raw[valueStart] === 0x20) valueStart++;
      data += (data === "" ? "" : "\n") + raw.toString("utf8", valueStart, lineEnd);
    }
    lineStart = lineEnd + 1;
  }
  return data;
}

/**
 * Same-protocol passthrough: upstream bytes go to the client untouched, event by event,
 * except the reported model name, which is rewritten to the one the client asked for.
 * On the way it reads usage, the finish reason and in-stream errors, parsing only the few
 * events that carry them.
 */
export class PassthroughTap {
  readonly result: TapResult = {};
  private readonly reader: TapReader;
  private readonly decodeUsage: UsageDecoder;
  private readonly modelKey: Buffer;
  private readonly model: Buffer;
  /** The unfinished event's bytes, chunk by chunk (copied once, when it ends). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly maxEventBytes: number;
  /** Whether the previous byte ended a line (so a line end now ends the event). */
  private atLineStart = true;
  private previousCr = false;

  constructor(
    reader: TapReader,
    decodeUsage: UsageDecoder,
    clientModel: string,
    maxEventBytes = DEFAULT_MAX_EVENT_BYTES,
  ) {
    this.maxEventBytes = maxEventBytes;
    this.reader = reader;
    this.decodeUsage = decodeUsage;
    this.modelKey = Buffer.from(`"${reader.modelKey}"`);
    this.model = jsonStringBytes(clientModel);
  }

  /** Feed upstream bytes; returns the bytes to write to the client now (whole events). */
  push(chunk: Buffer): Buffer | undefined {
    const output: Buffer[] = [];
    let eventStart = 0;
    for (let position = 0; position < chunk.length; position++) {
      const byte = chunk[position];
      if (byte === LF && this.previousCr) {
        this.previousCr = false;
        if (eventStart === position && this.pendingBytes === 0) {
          // The LF of a CRLF whose CR ended the previous event (split across chunks).
          output.push(chunk.subarray(position, position + 1));
          eventStart = position + 1;
        }
        continue;
      }
      if (byte === LF || byte === CR) {
        this.previousCr = byte === CR;
        if (this.atLineStart) {
          let end = position + 1;
          if (byte === CR && chunk[end] === LF) {
            end++;
            position++;
            this.previousCr = false;
          }
          output.push(this.processEvent(this.takeEvent(chunk.subarray(eventStart, end))));
          eventStart = end;
        }
        this.atLineStart = true;
      } else {
        this.previousCr = false;
        this.atLineStart = false;
      }
    }
    if (eventStart < chunk.length) {
      const rest = chunk.subarray(eventStart);
      this.pendingBytes += rest.length;
      if (this.pendingBytes > this.maxEventBytes) {
        throw new LlmuxError("upstream_error", `upstream SSE event exceeds ${this.maxEventBytes} bytes`);
      }
      this.pending.push(rest);
    }
    if (output.length === 0) return undefined;
    return output.length === 1 ? output[0] : Buffer.concat(output);
  }

  /** The whole event: the pieces held from earlier chunks, then `tail`. */
  private takeEvent(tail: Buffer): Buffer {
    if (this.pending.length === 0) return tail;
    const event = Buffer.concat([...this.pending, tail]);
    this.pending = [];
    this.pendingBytes = 0;
    return event;
  }

  /** The upstream ended: whatever is left (an unterminated last event) goes out as it is. */
  end(): Buffer | undefined {
    if (this.pending.length === 0) return undefined;
    return this.processEvent(this.takeEvent(Buffer.alloc(0)));
  }

  /**
   * A whole non-streaming body: rewrite the model, read usage and finish reason. A body that is
   * not a JSON object is the upstream's failure, never a success to pass on.
   */
  body(body: Buffer): Buffer {
    const parsed = safeParseJson(body.toString("utf8"));
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      throw new LlmuxError("upstream_error", "upstream answered 200 with a body that is not a JSON object");
    }
    applyUpdate(this.result, this.reader.read(parsed.value, this.decodeUsage));
    return rewriteStringField(body, this.modelKey, this.model, this.reader.modelKeyLast);
  }

  /** Whether the stream reached its end: a finish reason or an error was seen. */
  get complete(): boolean {
    return this.result.finishReason !== undefined || this.result.error !== undefined;
  }

  private processEvent(raw: Buffer): Buffer {
    if (this.reader.interesting(raw)) {
      const data = eventData(raw);
      if (data !== "" && data !== "[DONE]") {
        const parsed = safeParseJson(data);
        if (parsed.ok && isJsonObject(parsed.value)) {
          applyUpdate(this.result, this.reader.read(parsed.value, this.decodeUsage));
        }
      }
    }
    return rewriteStringField(raw, this.modelKey, this.model, this.reader.modelKeyLast);
  }
}
