import type { FinishReason } from "../core/model/finish.js";
import type { JsonObject, JsonValue } from "../core/model/json.js";

/**
 * What the mock upstream answers to one request. Plain JSON data (no functions), so a
 * script can travel in the `x-mock-script` header, sit in a fixture file, or be built in
 * a test. Every field is optional: an empty script is a short text answer.
 */
export interface MockScript {
  /** The output, in order. Without steps (and without `error`) the answer is a short text. */
  steps?: MockStep[];
  /** Canonical finish reason; mapped to each protocol. Default: tool-calls when the steps call a tool, else stop. */
  finish?: FinishReason;
  /** The exact wire finish reason to send instead of the mapped one (e.g. "MALFORMED_FUNCTION_CALL"). */
  wireFinishReason?: string;
  /** Anthropic `stop_sequence`, reported with finish `stop-sequence`. */
  stopSequence?: string;
  /** Token counts to report; omitted fields are estimated from the content. */
  usage?: MockUsage;
  /** The model to report. Default: the model the request named. */
  model?: string;
  /** The response id to report. Default: derived from the request number. */
  id?: string;
  /** Answer with an HTTP error instead of a response. */
  error?: MockHttpError;
  /** Stream only: send this error event after `afterChunks` frames, then end the stream. */
  streamError?: MockStreamError;
  /** Wait this long before sending the status line and headers (slow headers). */
  headerDelayMs?: number;
  /** Stream only: wait this long between frames. */
  chunkDelayMs?: number;
  /**
   * Destroy the socket after this many frames (stream) without a terminal event. For a
   * non-stream answer: after the headers and half of the body.
   */
  disconnectAfterChunks?: number;
  /** Anthropic only: send a `ping` event after the first content block starts (default true). */
  ping?: boolean;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

export type MockStep = MockTextStep | MockThinkingStep | MockToolCallsStep;

export interface MockTextStep {
  type: "text";
  text: string;
  /** How many deltas to stream the text in (default 1). Split at word boundaries when possible. */
  deltas?: number;
}

/**
 * Reasoning. Anthropic: a thinking block (or redacted_thinking when `redactedData` is set)
 * with `signature`. Responses: a reasoning item whose summary is `text` and whose
 * `encrypted_content` is `encryptedContent`. Gemini: `thought: true` parts, the last one
 * carrying `signature` as `thoughtSignature`. Chat: `reasoning_content` (DeepSeek style).
 */
export interface MockThinkingStep {
  type: "thinking";
  text: string;
  signature?: string;
  encryptedContent?: string;
  redactedData?: string;
  deltas?: number;
}

/** One or several tool calls made together (parallel). */
export interface MockToolCallsStep {
  type: "tool-calls";
  calls: MockToolCall[];
  /**
   * Chat and Responses only: interleave the calls' argument fragments round-robin instead
   * of streaming one call after the other (deltas must then be routed by index).
   */
  interleave?: boolean;
}

export interface MockToolCall {
  name: string;
  /** The arguments object. Default `{}`. */
  arguments?: JsonObject;
  /** Raw argument text sent as is (may be invalid JSON); wins over `arguments`. */
  rawArguments?: string;
  /** How many fragments to stream the argument text in (default 3). Gemini always sends whole args. */
  fragments?: number;
  /** The call id. Default: derived from the response id. Gemini sends no ids. */
  id?: string;
  /** Gemini `thoughtSignature` on the functionCall part. */
  signature?: string;
}

export interface MockUsage {
  /** Input tokens not read from or written to a cache (Anthropic's `input_tokens`). */
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** Reasoning tokens, part of `output`. */
  reasoning?: number;
}

export interface MockHttpError {
  status: number;
  /** The body to send; a string is sent verbatim. Default: the protocol's own error shape for the status. */
  body?: JsonValue;
  /** The error message used in the default body. */
  message?: string;
  headers?: Record<string, string>;
  /** Sets `retry-after` (seconds); Gemini 429 bodies also carry it as RetryInfo. */
  retryAfterSeconds?: number;
  /** Sets `retry-after-ms`. */
  retryAfterMs?: number;
}

export interface MockStreamError {
  /** Frames sent before the error (default 0). */
  afterChunks?: number;
  /** The HTTP status the error stands for (default 529 for Anthropic, 500 elsewhere). */
  status?: number;
  message?: string;
  /** The protocol's own error type string (e.g. "overloaded_error", "server_error", "INTERNAL"). */
  type?: string;
}

/** Usage with every count filled in. */
export interface ResolvedUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

export const DEFAULT_MOCK_TEXT = "Hello from the llmux mock upstream.";

/** The steps a script answers with (a short text when it names none). */
export function resolveSteps(script: MockScript): MockStep[] {
  return script.steps ?? [{ type: "text", text: DEFAULT_MOCK_TEXT, deltas: 3 }];
}

export function hasToolCalls(steps: readonly MockStep[]): boolean {
  return steps.some((step) => step.type === "tool-calls" && step.calls.length > 0);
}

export function resolveFinish(script: MockScript, steps: readonly MockStep[]): FinishReason {
  return script.finish ?? (hasToolCalls(steps) ? "tool-calls" : "stop");
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The script's usage, with output and reasoning estimated from the content when not given. */
export function resolveUsage(script: MockScript, steps: readonly MockStep[]): ResolvedUsage {
  let thinking = 0;
  let other = 0;
  for (const step of steps) {
    if (step.type === "thinking") thinking += estimateTokens(step.text);
    else if (step.type === "text") other += estimateTokens(step.text);
    else for (const call of step.calls) other += estimateTokens(toolArgumentsText(call)) + 3;
  }
  const usage = script.usage ?? {};
  const reasoning = usage.reasoning ?? thinking;
  return {
    input: usage.input ?? 12,
    output: usage.output ?? Math.max(1, other + reasoning),
    cacheRead: usage.cacheRead ?? 0,
    cacheWrite: usage.cacheWrite ?? 0,
    reasoning,
  };
}

/** Prompt tokens the OpenAI/Gemini way: cached and uncached together. */
export function totalPromptTokens(usage: ResolvedUsage): number {
  return usage.input + usage.cacheRead + usage.cacheWrite;
}

export function toolArgumentsText(call: MockToolCall): string {
  return call.rawArguments ?? JSON.stringify(call.arguments ?? {});
}
