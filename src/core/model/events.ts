import type { LlmuxErrorData } from "./errors.js";
import type { FinishReason } from "./finish.js";
import type { Signature } from "./parts.js";
import type { Usage } from "./usage.js";

/**
 * Canonical stream events. Every block has an `index`, unique within one response and
 * increasing in the order blocks start. Text, reasoning and tool-call blocks follow
 * start -> delta* -> end. `usage` may repeat (the latest wins, values are cumulative).
 * `finish` comes once, after every block has ended; `error` ends a stream abnormally.
 */
export type StreamEvent =
  | { type: "response-start"; id: string; model: string; created: number }
  /** `refusal`: the model declined; the block's text is its refusal (OpenAI `refusal`). */
  | { type: "text-start"; index: number; refusal?: boolean }
  | { type: "text-delta"; index: number; text: string }
  | { type: "text-end"; index: number }
  | { type: "reasoning-start"; index: number; redactedData?: string; itemId?: string }
  | { type: "reasoning-delta"; index: number; text: string }
  | { type: "reasoning-end"; index: number; signature?: Signature }
  | {
      type: "tool-call-start";
      index: number;
      id: string;
      name: string;
      kind?: "function" | "custom";
      signature?: Signature;
    }
  | { type: "tool-call-delta"; index: number; arguments: string }
  | { type: "tool-call-end"; index: number }
  | { type: "usage"; usage: Usage }
  | { type: "finish"; reason: FinishReason; stopSequence?: string }
  | { type: "error"; error: LlmuxErrorData };

export type StreamEventType = StreamEvent["type"];
