import type { JsonObject } from "../../../src/core/model/json.js";
import type { Protocol } from "../../../src/core/model/protocol.js";
import type { Warning } from "../../../src/core/model/warnings.js";
import type { InboundRequestInfo } from "../../../src/core/protocols/adapter.js";
import type { ConversationView } from "./conversation-view.js";

/** One client request of a case, in the client's own protocol. */
export interface RequestInput {
  body: JsonObject;
  /** What the URL says (Gemini puts the model and the stream flag there). */
  info?: InboundRequestInfo;
}

/** One conversion of the matrix, for case-specific checks. */
export interface RequestConversion {
  from: Protocol;
  to: Protocol;
  input: RequestInput;
  body: JsonObject;
  warnings: Warning[];
  /** The client request and the encoded upstream request, read the same neutral way. */
  source: ConversationView;
  target: ConversationView;
}

/** Generic invariants a known bug may need to skip (its own assertion then runs as `it.fails`). */
export type InvariantId = "drop-warning";

/**
 * A real conversion bug shown by a case. Its conversions get no golden (a golden must not
 * bake a bug in); the other invariants still run, and `assertion`, which the bug breaks,
 * runs as `it.fails`, so the bug stays visible until it is fixed.
 */
export interface KnownBug {
  title: string;
  /** The conversions it shows in, as `from->to`. */
  pairs: string[];
  skips?: InvariantId[];
  assertion: (conversion: RequestConversion) => void;
}

/**
 * A request case: the same conversation written once in each client protocol that can
 * express it (a row it cannot express is left out, and the golden index says so).
 */
export interface RequestCase {
  name: string;
  /** What the case is about, and why a row is missing. */
  summary: string;
  inputs: Partial<Record<Protocol, RequestInput>>;
  /** Upstream model per target protocol, when the case needs another than the default. */
  targets?: Partial<Record<Protocol, string>>;
  /** Every reasoning artifact (signature, encrypted content) in the inputs, and who issued it. */
  signatures?: Record<string, Protocol>;
  /** Case-specific expectations about one conversion. */
  check?: (conversion: RequestConversion) => void;
  knownBugs?: KnownBug[];
}

export const DEFAULT_TARGETS: Record<Protocol, string> = {
  "openai-chat": "gpt-4.1",
  "openai-responses": "gpt-5",
  anthropic: "claude-sonnet-4-5",
  gemini: "gemini-2.5-flash",
};

/** The targets of the reasoning cases: models that reason and take effort levels. */
export const REASONING_TARGETS: Partial<Record<Protocol, string>> = {
  "openai-chat": "o4-mini",
  gemini: "gemini-3-flash-preview",
};

/** A 1x1 PNG and a tiny JPEG header, base64. */
export const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
export const JPEG_BASE64 = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQ==";
