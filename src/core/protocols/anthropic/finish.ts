import type { FinishReason } from "../../model/finish.js";
import { assertNever } from "../../model/protocol.js";

/** Anthropic `stop_reason` values (the API may add more; unknown ones map to "other"). */
export type AnthropicStopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal"
  | "model_context_window_exceeded";

/** An upstream `stop_reason` as a canonical finish reason. A missing reason reads as a plain stop. */
export function decodeStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case undefined:
    case null:
    case "end_turn":
      return "stop";
    case "max_tokens":
      return "length";
    case "stop_sequence":
      return "stop-sequence";
    case "tool_use":
      return "tool-calls";
    case "pause_turn":
      return "pause";
    case "refusal":
      return "refusal";
    case "model_context_window_exceeded":
      return "context-window";
    default:
      return "other";
  }
}

/**
 * A canonical finish reason as Anthropic's `stop_reason`. `hasToolCalls` fixes upstreams that
 * report tool calls with a plain stop (OpenAI may): Anthropic clients run tools on `tool_use`.
 * Anthropic has no content-filter or malformed-call reason: a filtered answer is a `refusal`, a
 * malformed call ends the turn.
 */
export function encodeStopReason(reason: FinishReason, hasToolCalls: boolean): AnthropicStopReason {
  switch (reason) {
    case "stop":
    case "other":
      return hasToolCalls ? "tool_use" : "end_turn";
    case "stop-sequence":
      return "stop_sequence";
    case "length":
      return "max_tokens";
    case "tool-calls":
      return "tool_use";
    case "content-filter":
    case "refusal":
      return "refusal";
    case "pause":
      return "pause_turn";
    case "malformed-tool-call":
      return "end_turn";
    case "context-window":
      return "model_context_window_exceeded";
    default:
      return assertNever(reason, "finish reason");
  }
}
