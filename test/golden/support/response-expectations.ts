import type { FinishReason } from "../../../src/core/model/finish.js";
import type { JsonObject } from "../../../src/core/model/json.js";
import { assertNever, type Protocol } from "../../../src/core/model/protocol.js";
import type { ResolvedUsage } from "../../../src/mock/script.js";

/**
 * What a client must see, written from the protocols' documentation (not from the adapters):
 * which finish reasons and token counts an upstream can carry, and how each client protocol
 * names them.
 */

export interface Counts {
  /** Input tokens neither read from nor written to a cache. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /** Output tokens, reasoning included. */
  output: number;
  reasoning: number;
}

/**
 * The counts an upstream's usage can carry. Anthropic reports cache writes apart and no
 * reasoning count (in this mock); the others fold cache writes into the prompt count.
 */
export function carriedCounts(upstream: Protocol, usage: ResolvedUsage): Counts {
  if (upstream === "anthropic") {
    return {
      input: usage.input,
      cacheRead: usage.cacheRead,
      cacheWrite: usage.cacheWrite,
      output: usage.output,
      reasoning: 0,
    };
  }
  return {
    input: usage.input + usage.cacheWrite,
    cacheRead: usage.cacheRead,
    cacheWrite: 0,
    output: usage.output,
    reasoning: usage.reasoning,
  };
}

/** The usage fields a client must read for `counts`: cached tokens neither lost nor counted twice. */
export function clientUsage(client: Protocol, counts: Counts): JsonObject {
  const prompt = counts.input + counts.cacheRead + counts.cacheWrite;
  switch (client) {
    case "openai-chat":
      return {
        prompt_tokens: prompt,
        completion_tokens: counts.output,
        total_tokens: prompt + counts.output,
        prompt_tokens_details: { cached_tokens: counts.cacheRead },
        completion_tokens_details: { reasoning_tokens: counts.reasoning },
      };
    case "openai-responses":
      return {
        input_tokens: prompt,
        input_tokens_details: { cached_tokens: counts.cacheRead },
        output_tokens: counts.output,
        output_tokens_details: { reasoning_tokens: counts.reasoning },
        total_tokens: prompt + counts.output,
      };
    case "anthropic":
      return {
        input_tokens: counts.input,
        cache_read_input_tokens: counts.cacheRead,
        cache_creation_input_tokens: counts.cacheWrite,
        output_tokens: counts.output,
      };
    case "gemini": {
      const usage: JsonObject = {
        promptTokenCount: prompt,
        candidatesTokenCount: counts.output - counts.reasoning,
        totalTokenCount: prompt + counts.output,
      };
      if (counts.cacheRead > 0) usage.cachedContentTokenCount = counts.cacheRead;
      if (counts.reasoning > 0) usage.thoughtsTokenCount = counts.reasoning;
      return usage;
    }
    default:
      return assertNever(client, "protocol");
  }
}

export const FINISH_REASONS: readonly FinishReason[] = [
  "stop",
  "stop-sequence",
  "length",
  "tool-calls",
  "content-filter",
  "refusal",
  "pause",
  "malformed-tool-call",
  "context-window",
  "other",
];

type FinishTable = Record<FinishReason, FinishReason>;

/**
 * The finish reason that survives each upstream's wire vocabulary (as the mock renders it):
 * Chat and Responses have no pause, malformed-call or "other" status; Anthropic has no
 * content-filter (it says refusal) nor malformed call; Gemini has no tool, pause or
 * stop-sequence reason and says PROHIBITED_CONTENT for a refusal.
 */
export const CARRIED_FINISH: Record<Protocol, FinishTable> = {
  "openai-chat": {
    stop: "stop",
    "stop-sequence": "stop",
    length: "length",
    "tool-calls": "tool-calls",
    "content-filter": "content-filter",
    refusal: "refusal",
    pause: "stop",
    "malformed-tool-call": "stop",
    "context-window": "length",
    other: "stop",
  },
  "openai-responses": {
    stop: "stop",
    "stop-sequence": "stop",
    length: "length",
    "tool-calls": "tool-calls",
    "content-filter": "content-filter",
    refusal: "refusal",
    pause: "stop",
    "malformed-tool-call": "stop",
    "context-window": "length",
    other: "stop",
  },
  anthropic: {
    stop: "stop",
    "stop-sequence": "stop-sequence",
    length: "length",
    "tool-calls": "tool-calls",
    "content-filter": "refusal",
    refusal: "refusal",
    pause: "pause",
    "malformed-tool-call": "stop",
    "context-window": "context-window",
    other: "stop",
  },
  gemini: {
    stop: "stop",
    "stop-sequence": "stop",
    length: "length",
    "tool-calls": "tool-calls",
    "content-filter": "content-filter",
    refusal: "content-filter",
    pause: "stop",
    "malformed-tool-call": "malformed-tool-call",
    "context-window": "length",
    other: "other",
  },
};

const CHAT_FINISH: Record<FinishReason, string> = {
  stop: "stop",
  "stop-sequence": "stop",
  length: "length",
  "tool-calls": "tool_calls",
  "content-filter": "content_filter",
  refusal: "stop",
  pause: "stop",
  "malformed-tool-call": "stop",
  "context-window": "length",
  other: "stop",
};

const ANTHROPIC_FINISH: Record<FinishReason, string> = {
  stop: "end_turn",
  "stop-sequence": "stop_sequence",
  length: "max_tokens",
  "tool-calls": "tool_use",
  "content-filter": "refusal",
  refusal: "refusal",
  pause: "pause_turn",
  "malformed-tool-call": "end_turn",
  "context-window": "model_context_window_exceeded",
  other: "end_turn",
};

const GEMINI_FINISH: Record<FinishReason, string> = {
  stop: "STOP",
  "stop-sequence": "STOP",
  length: "MAX_TOKENS",
  "tool-calls": "STOP",
  "content-filter": "SAFETY",
  refusal: "PROHIBITED_CONTENT",
  pause: "CONTINUATION",
  "malformed-tool-call": "MALFORMED_FUNCTION_CALL",
  "context-window": "MAX_TOKENS",
  other: "OTHER",
};

function responsesFinish(reason: FinishReason): JsonObject {
  if (reason === "length" || reason === "context-window") {
    return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  }
  if (reason === "content-filter")
    return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}

/** The finish fields a client reads (see ResponseView.finish) for a canonical finish reason. */
export function clientFinish(client: Protocol, reason: FinishReason): JsonObject {
  switch (client) {
    case "openai-chat":
      return { finish_reason: CHAT_FINISH[reason] };
    case "openai-responses":
      return responsesFinish(reason);
    case "anthropic":
      return { stop_reason: ANTHROPIC_FINISH[reason] };
    case "gemini":
      return { finishReason: GEMINI_FINISH[reason] };
    default:
      return assertNever(client, "protocol");
  }
}
