/** Why a model turn ended, in every protocol's terms. */
export type FinishReason =
  | "stop"
  | "stop-sequence"
  | "length"
  | "tool-calls"
  | "content-filter"
  | "refusal"
  | "pause"
  | "malformed-tool-call"
  | "context-window"
  | "other";
