import { parseJsonOrThrow, safeParseJson } from "../../core/json/safe-parse.js";
import { type FieldSpan, scanTopLevelFields } from "../../core/json/top-level-fields.js";
import { LlmuxError } from "../../core/model/errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../../core/model/json.js";

/** The top-level members the pipeline reads before it knows whether it needs the whole body. */
const FIELDS = ["model", "stream", "metadata", "prompt_cache_key"] as const;
export type ClientBodyField = (typeof FIELDS)[number];

/** The parsed client body; a JSON object or a clear 400. */
export function parseClientBody(raw: Buffer): JsonObject {
  const parsed = parseJsonOrThrow(raw.toString("utf8"), "client");
  if (!isJsonObject(parsed)) throw new LlmuxError("invalid_request", "request body must be a JSON object");
  return parsed;
}

/**
 * The client's JSON body, read only as far as the request needs. On arrival it is validated and
 * its top-level `model`, `stream` and session fields located by a byte scan (no tree is built);
 * the whole object is parsed on first use of `parsed` (decoding, classification, a Gemini
 * count). A passthrough request whose model needs no classification never parses it. A body
 * that is not a JSON object gets the same 400 as before, from a full parse.
 */
export class ClientBody {
  readonly raw: Buffer;
  private object: JsonObject | undefined;
  private readonly spans: readonly (FieldSpan | undefined)[] | undefined;

  /** `parseNow`: the whole body will be needed (every target converts): parse at once, no scan. */
  constructor(raw: Buffer, parseNow = false) {
    this.raw = raw;
    this.spans = parseNow ? undefined : scanTopLevelFields(raw, FIELDS);
    // Not an object (or not JSON): the full parse throws the exact error.
    if (this.spans === undefined) this.object = parseClientBody(raw);
  }

  /** The whole body as an object, parsed on first use. */
  get parsed(): JsonObject {
    this.object ??= parseClientBody(this.raw);
    return this.object;
  }

  /** A top-level member's value; `undefined` when absent. */
  field(name: ClientBodyField): JsonValue | undefined {
    const object = this.object;
    if (object !== undefined) return Object.hasOwn(object, name) ? object[name] : undefined;
    const span = this.spans?.[FIELDS.indexOf(name)];
    if (span === undefined) return undefined;
    const value = safeParseJson(this.raw.toString("utf8", span.start, span.end));
    return value.ok ? (value.value as JsonValue) : undefined;
  }

  /**
   * The body with its `model` set to `model`: the client's bytes with the new value spliced in
   * where the old one was (every other byte as sent), or re-serialized when the body names its
   * model more than once or not at all.
   */
  withModel(model: string): Buffer | string {
    const span = this.spans?.[0];
    if (span !== undefined && span.count === 1) {
      return Buffer.concat([
        this.raw.subarray(0, span.start),
        Buffer.from(JSON.stringify(model)),
        this.raw.subarray(span.end),
      ]);
    }
    return JSON.stringify({ ...this.parsed, model });
  }
}
