import { parseJsonOrThrow, safeParseJson } from "../../core/json/safe-parse.js";
import { type FieldSpan, TopLevelScan } from "../../core/json/top-level-fields.js";
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
 * The client's JSON body, read only as far as the request needs. Its top-level members are
 * walked by a validating byte scan (no tree is built) only as far as a field asked for: routing
 * usually needs only `model`, which clients send first. The whole object is parsed on first use
 * of `parsed` (decoding, classification, a Gemini count), and a body that is passed through is
 * scanned to its end first (`validate`). A passthrough request whose model needs no
 * classification never parses the body; a converted one never scans past its model. A body
 * that is not a JSON object gets the same 400 either way, from a full parse.
 */
export class ClientBody {
  readonly raw: Buffer;
  private object: JsonObject | undefined;
  private readonly scan: TopLevelScan | undefined;
  /** The `model` a caller read before the scan had seen the rest of the body. */
  private firstModel: JsonValue | undefined;

  /** `parseNow`: the whole body will be needed (every target converts): parse at once, no scan. */
  constructor(raw: Buffer, parseNow = false) {
    this.raw = raw;
    if (parseNow) this.object = parseClientBody(raw);
    else this.scan = new TopLevelScan(raw, FIELDS);
  }

  /** The whole body as an object, parsed on first use. */
  get parsed(): JsonObject {
    if (this.object === undefined) {
      const object = parseClientBody(this.raw);
      this.checkModel(object.model);
      this.object = object;
    }
    return this.object;
  }

  /** Throws the full parse's 400 unless the whole body is one JSON object (passthrough calls it before sending). */
  validate(): void {
    if (this.object !== undefined) return;
    const spans = this.scan?.complete();
    if (spans === undefined) {
      this.object = parseClientBody(this.raw);
      return;
    }
    const model = spans[0];
    if (model !== undefined && model.count > 1) this.checkModel(this.valueAt(model));
  }

  /** A top-level member's value; `undefined` when absent. */
  field(name: ClientBodyField): JsonValue | undefined {
    const object = this.object;
    if (object !== undefined) return Object.hasOwn(object, name) ? object[name] : undefined;
    const index = FIELDS.indexOf(name);
    const scan = this.scan as TopLevelScan;
    const found = index === 0 ? scan.until(0) : scan.complete() !== undefined;
    // Not an object (or not JSON): the full parse throws the exact error.
    if (!found) return this.parsed[name];
    const span = scan.spans[index];
    if (span === undefined) return undefined;
    const value = this.valueAt(span);
    if (index === 0 && span.count === 1) this.firstModel = value;
    return value;
  }

  /**
   * A request routed on the first `model` of a body that names it again differently would go
   * where it did not ask to (JSON.parse, and upstreams, keep the last): refused.
   */
  private checkModel(last: JsonValue | undefined): void {
    if (this.firstModel !== undefined && last !== this.firstModel) {
      throw new LlmuxError("invalid_request", "model: given more than once, with different values", {
        param: "model",
      });
    }
  }

  private valueAt(span: FieldSpan): JsonValue | undefined {
    const value = safeParseJson(this.raw.toString("utf8", span.start, span.end));
    return value.ok ? (value.value as JsonValue) : undefined;
  }

  /**
   * The body with its `model` set to `model`: the client's bytes with the new value spliced in
   * where the old one was (every other byte as sent), or re-serialized when the body names its
   * model more than once or not at all.
   */
  withModel(model: string): Buffer | string {
    const span = this.scan?.complete()?.[0];
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
