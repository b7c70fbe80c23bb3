import type { FinishReason } from "../../model/finish.js";
import { assertNever } from "../../model/protocol.js";

/**
 * Gemini `finishReason` -> canonical. Gemini has no tool stop reason: a turn that ends with
 * STOP and carried a functionCall is a tool turn.
 */
export function decodeFinishReason(wire: string, sawToolCall: boolean): FinishReason {
  switch (wire) {
    case "STOP":
      return sawToolCall ? "tool-calls" : "stop";
    case "MAX_TOKENS":
      return "length";
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
    case "IMAGE_PROHIBITED_CONTENT":
    case "IMAGE_RECITATION":
      return "content-filter";
    case "MALFORMED_FUNCTION_CALL":
    case "UNEXPECTED_TOOL_CALL":
    case "TOO_MANY_TOOL_CALLS":
      return "malformed-tool-call";
    case "CONTINUATION":
      return "pause";
    default:
      // OTHER, LANGUAGE, NO_IMAGE, IMAGE_OTHER, FINISH_REASON_UNSPECIFIED and reasons added later.
      return "other";
  }
}

/** Canonical -> Gemini `finishReason`. */
export function encodeFinishReason(reason: FinishReason): string {
  switch (reason) {
    case "stop":
    case "stop-sequence":
    case "tool-calls":
      return "STOP";
    case "length":
    case "context-window":
      return "MAX_TOKENS";
    case "content-filter":
      return "SAFETY";
    case "refusal":
      return "PROHIBITED_CONTENT";
    case "malformed-tool-call":
      return "MALFORMED_FUNCTION_CALL";
    case "pause":
      return "CONTINUATION";
    case "other":
      return "OTHER";
    default:
      return assertNever(reason, "finish reason");
  }
}
