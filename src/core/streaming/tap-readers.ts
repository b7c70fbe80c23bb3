import { isJsonObject, type JsonObject } from "../model/json.js";
import type { Protocol } from "../model/protocol.js";
import type { Usage } from "../model/usage.js";
import { hasNonNullField } from "./model-field.js";

/** What a tap learns from one wire payload. */
export interface TapUpdate {
  usage?: Usage;
  finishReason?: string;
  error?: string;
}

export type UsageDecoder = (wire: unknown) => Usage | undefined;

/** Per protocol: which raw events are worth parsing, and where usage and the finish reason live. */
export interface TapReader {
  /** The name of the JSON field holding the reported model (`model`, or Gemini's `modelVersion`). */
  modelKey: string;
  /** The model field is the last one in a payload (Gemini), not the first. */
  modelKeyLast: boolean;
  /** Whether this raw event carries something the tap reads. Cheap: byte searches only. */
  interesting(raw: Buffer): boolean;
  /** Read usage / finish / error from one parsed payload (a stream event or a whole body). */
  read(payload: JsonObject, decodeUsage: UsageDecoder): TapUpdate;
}

function firstChoice(payload: JsonObject, key: string): JsonObject | undefined {
  const list = payload[key];
  if (!Array.isArray(list)) return undefined;
  const first = list[0];
  return isJsonObject(first) ? first : undefined;
}

function errorMessage(value: unknown): string | undefined {
  if (!isJsonObject(value)) return undefined;
  const message = value.message;
  return typeof message === "string" ? message : "upstream error";
}

function withUsage(update: TapUpdate, wire: unknown, decodeUsage: UsageDecoder): TapUpdate {
  if (wire === undefined || wire === null) return update;
  const usage = decodeUsage(wire);
  if (usage !== undefined) update.usage = usage;
  return update;
}

const USAGE = Buffer.from('"usage"');
const FINISH_REASON = Buffer.from('"finish_reason"');
const ERROR = Buffer.from('"error"');
const RESPONSE_DONE = [
  Buffer.from("response.completed"),
  Buffer.from("response.incomplete"),
  Buffer.from("response.failed"),
  Buffer.from('"type":"error"'),
];
const ANTHROPIC_EVENTS = [
  Buffer.from("message_start"),
  Buffer.from("message_delta"),
  Buffer.from("event: error"),
];
const FINISH_REASON_GEMINI = Buffer.from('"finishReason"');

const openAiChat: TapReader = {
  modelKey: "model",
  modelKeyLast: false,
  interesting: (raw) =>
    hasNonNullField(raw, USAGE) || hasNonNullField(raw, FINISH_REASON) || raw.includes(ERROR),
  read(payload, decodeUsage) {
    const update = withUsage({}, payload.usage, decodeUsage);
    const reason = firstChoice(payload, "choices")?.finish_reason;
    if (typeof reason === "string") update.finishReason = reason;
    const error = errorMessage(payload.error);
    if (error !== undefined) update.error = error;
    return update;
  },
};

const openAiResponses: TapReader = {
  modelKey: "model",
  modelKeyLast: false,
  interesting: (raw) => RESPONSE_DONE.some((marker) => raw.includes(marker)),
  read(payload, decodeUsage) {
    const response = isJsonObject(payload.response) ? payload.response : payload;
    const update = withUsage({}, response.usage, decodeUsage);
    const incomplete = isJsonObject(response.incomplete_details)
      ? response.incomplete_details.reason
      : undefined;
    if (typeof incomplete === "string") update.finishReason = incomplete;
    else if (typeof response.status === "string") update.finishReason = response.status;
    const error = payload.type === "error" ? errorMessage(payload) : errorMessage(response.error);
    if (error !== undefined) update.error = error;
    return update;
  },
};

const anthropic: TapReader = {
  modelKey: "model",
  modelKeyLast: false,
  interesting: (raw) => ANTHROPIC_EVENTS.some((marker) => raw.includes(marker)),
  read(payload, decodeUsage) {
    const message = isJsonObject(payload.message) ? payload.message : undefined;
    const update = withUsage({}, message?.usage ?? payload.usage, decodeUsage);
    const delta = isJsonObject(payload.delta) ? payload.delta : payload;
    const reason = delta.stop_reason ?? message?.stop_reason;
    if (typeof reason === "string") update.finishReason = reason;
    const error = payload.type === "error" ? errorMessage(payload.error) : undefined;
    if (error !== undefined) update.error = error;
    return update;
  },
};

const gemini: TapReader = {
  modelKey: "modelVersion",
  modelKeyLast: true,
  interesting: (raw) => raw.includes(FINISH_REASON_GEMINI) || raw.includes(ERROR),
  read(payload, decodeUsage) {
    const update = withUsage({}, payload.usageMetadata, decodeUsage);
    const reason = firstChoice(payload, "candidates")?.finishReason;
    if (typeof reason === "string") update.finishReason = reason;
    const error = errorMessage(payload.error);
    if (error !== undefined) update.error = error;
    return update;
  },
};

export const TAP_READERS: Record<Protocol, TapReader> = {
  "openai-chat": openAiChat,
  "openai-responses": openAiResponses,
  anthropic,
  gemini,
};
