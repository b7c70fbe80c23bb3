import type { FinishReason } from "../../model/finish.js";
import type { JsonObject } from "../../model/json.js";
import { assertNever } from "../../model/protocol.js";

/** What a response's output held, beyond its status, that decides the finish reason. */
export interface OutputFacts {
  sawToolCall: boolean;
  sawRefusal: boolean;
}

/**
 * A Responses `status` (+ `incomplete_details.reason`) as a finish reason. A completed response
 * with function calls is a tool turn; one that refused is a refusal.
 */
export function decodeFinishReason(
  status: string | undefined,
  incompleteReason: string | undefined,
  facts: OutputFacts,
): FinishReason {
  if (status === "incomplete") {
    if (incompleteReason === "max_output_tokens") return "length";
    if (incompleteReason === "content_filter") return "content-filter";
    return "other";
  }
  if (status === "completed" || status === undefined) {
    if (facts.sawToolCall) return "tool-calls";
    if (facts.sawRefusal) return "refusal";
    return "stop";
  }
  return "other";
}

export interface EncodedFinish {
  status: "completed" | "incomplete";
  incompleteDetails: JsonObject | null;
  /** The terminal stream event that carries this status. */
  terminalEvent: "response.completed" | "response.incomplete";
}

const COMPLETED: EncodedFinish = {
  status: "completed",
  incompleteDetails: null,
  terminalEvent: "response.completed",
};

function incomplete(reason: "max_output_tokens" | "content_filter"): EncodedFinish {
  return { status: "incomplete", incompleteDetails: { reason }, terminalEvent: "response.incomplete" };
}

/** A finish reason as a Responses status. Responses has no stop-sequence, pause or tool status of its own. */
export function encodeFinishReason(reason: FinishReason): EncodedFinish {
  switch (reason) {
    case "stop":
    case "stop-sequence":
    case "tool-calls":
    case "refusal":
    case "pause":
    case "malformed-tool-call":
    case "other":
      return COMPLETED;
    case "length":
    case "context-window":
      return incomplete("max_output_tokens");
    case "content-filter":
      return incomplete("content_filter");
    default:
      return assertNever(reason, "finish reason");
  }
}
