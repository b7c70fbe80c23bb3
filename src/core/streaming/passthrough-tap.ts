import { safeParseJson } from "../json/safe-parse.js";
import { isJsonObject } from "../model/json.js";
import type { Usage } from "../model/usage.js";
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
  private pending: Buffer | undefined;
  /** Bytes of `pending` already scanned for an event end. */
  private scanned = 0;
  /** Whether the previous byte ended a line (so a line end now ends the event). */
  private atLineStart = true;
  private previousCr = false;

  constructor(reader: TapReader, decodeUsage: UsageDecoder, clientModel: string) {
    this.reader = reader;
    this.decodeUsage = decodeUsage;
    this.modelKey = Buffer.from(`"${reader.modelKey}"`);
    this.model = jsonStringBytes(clientModel);
  }

  /** Feed upstream bytes; returns the bytes to write to the client now (whole events). */
  push(chunk: Buffer): Buffer | undefined {
    const buffer = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    const output: Buffer[] = [];
    let eventStart = 0;
    for (let position = this.pending === undefined ? 0 : this.scanned; position < buffer.length; position++) {
      const byte = buffer[position];
      if (byte === LF && this.previousCr) {
        this.previousCr = false;
        if (eventStart === position) {
          // The LF of a CRLF whose CR ended the previous event (split across chunks).
          output.push(buffer.subarray(position, position + 1));
          eventStart = position + 1;
        }
        continue;
      }
      if (byte === LF || byte === CR) {
        this.previousCr = byte === CR;
        if (this.atLineStart) {
          let end = position + 1;
          if (byte === CR && buffer[end] === LF) {
            end++;
            position++;
            this.previousCr = false;
          }
          output.push(this.processEvent(buffer.subarray(eventStart, end)));
          eventStart = end;
        }
        this.atLineStart = true;
      } else {
        this.previousCr = false;
        this.atLineStart = false;
      }
    }
    if (eventStart < buffer.length) {
      this.pending = buffer.subarray(eventStart);
      this.scanned = this.pending.length;
    } else {
      this.pending = undefined;
      this.scanned = 0;
    }
    if (output.length === 0) return undefined;
    return output.length === 1 ? output[0] : Buffer.concat(output);
  }

  /** The upstream ended: whatever is left (an unterminated last event) goes out as it is. */
  end(): Buffer | undefined {
    const rest = this.pending;
    this.pending = undefined;
    return rest === undefined ? undefined : this.processEvent(rest);
  }

  /** A whole non-streaming body: rewrite the model, read usage and finish reason. */
  body(body: Buffer): Buffer {
    const parsed = safeParseJson(body.toString("utf8"));
    if (parsed.ok && isJsonObject(parsed.value)) {
      applyUpdate(this.result, this.reader.read(parsed.value, this.decodeUsage));
    }
    return rewriteStringField(body, this.modelKey, this.model, this.reader.modelKeyLast);
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
