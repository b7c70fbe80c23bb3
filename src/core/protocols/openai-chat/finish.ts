import type { FinishReason } from "../../model/finish.js";
import { assertNever } from "../../model/protocol.js";

/** The finish reasons the official SDK types know. */
export type ChatFinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

/**
 * A wire `finish_reason` as canonical. OpenAI may end a tool turn with "stop"; then it is a
 * tool-calls finish. OpenAI-compatible servers leak other vocabularies; they map too.
 */
export function decodeFinishReason(wire: string, hasToolCalls: boolean): FinishReason {
  switch (wire) {
    case "stop":
    case "end_turn":
    case "eos":
    case "eos_token":
      return hasToolCalls ? "tool-calls" : "stop";
    case "stop_sequence":
      return hasToolCalls ? "tool-calls" : "stop-sequence";
    case "length":
    case "max_tokens":
      return "length";
    case "tool_calls":
    case "function_call":
    case "tool_use":
      return "tool-calls";
    case "content_filter":
    case "safety":
      return "content-filter";
    case "refusal":
      return "refusal";
    case "pause_turn":
      return "pause";
    case "malformed_function_call":
      return "malformed-tool-call";
    case "model_context_window_exceeded":
      return "context-window";
    default:
      return "other";
  }
}

/** Canonical -> wire. Refusals end with "stop" (the text travels in `refusal`). */
export function encodeFinishReason(reason: FinishReason): ChatFinishReason {
  switch (reason) {
    case "stop":
    case "stop-sequence":
    case "refusal":
    case "pause":
    case "malformed-tool-call":
    case "other":
      return "stop";
    case "length":
    case "context-window":
      return "length";
    case "tool-calls":
      return "tool_calls";
    case "content-filter":
      return "content_filter";
    default:
      return assertNever(reason, "finish reason");
  }
}
