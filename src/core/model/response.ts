import type { FinishReason } from "./finish.js";
import type { OutputPart } from "./parts.js";
import type { Usage } from "./usage.js";
import type { Warning } from "./warnings.js";

/** A whole model turn: what a non-streaming call returns, and what a stream accumulates to. */
export interface CanonicalResponse {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  content: OutputPart[];
  finishReason: FinishReason;
  stopSequence?: string;
  usage: Usage;
  warnings: Warning[];
}
