import type { FinishReason } from "../../core/model/finish.js";
import type { JsonObject } from "../../core/model/json.js";
import { assertNever } from "../../core/model/protocol.js";
import {
  type MockScript,
  type MockStep,
  type ResolvedUsage,
  resolveFinish,
  resolveSteps,
  resolveUsage,
  toolArgumentsText,
} from "../script.js";
import { resolveStreamError } from "./errors.js";
import { eventFrame, type RenderContext, splitFragments, splitText, toolArgumentsObject } from "./shared.js";

/** Anthropic `stop_reason` for a canonical finish reason. */
export function mapAnthropicStopReason(reason: FinishReason): string {
  switch (reason) {
    case "stop":
    case "malformed-tool-call":
    case "other":
      return "end_turn";
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
    case "context-window":
      return "model_context_window_exceeded";
    default:
      return assertNever(reason, "finish reason");
  }
}

/** Anthropic usage: `input_tokens` excludes cache reads and writes. */
export function renderAnthropicUsage(usage: ResolvedUsage, outputTokens = usage.output): JsonObject {
  return {
    input_tokens: usage.input,
    cache_creation_input_tokens: usage.cacheWrite,
    cache_read_input_tokens: usage.cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: usage.cacheWrite, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: "standard",
  };
}

/** A content block in its final form, and the deltas that stream it. */
interface PlannedBlock {
  block: JsonObject;
  start: JsonObject;
  deltas: JsonObject[];
}

function planBlocks(steps: readonly MockStep[], context: RenderContext): PlannedBlock[] {
  const blocks: PlannedBlock[] = [];
  let callCount = 0;
  for (const step of steps) {
    switch (step.type) {
      case "text":
        blocks.push({
          block: { type: "text", text: step.text },
          start: { type: "text", text: "" },
          deltas: splitText(step.text, step.deltas).map((text) => ({ type: "text_delta", text })),
        });
        break;
      case "thinking": {
        if (step.redactedData !== undefined) {
          const block = { type: "redacted_thinking", data: step.redactedData };
          blocks.push({ block, start: block, deltas: [] });
          break;
        }
        const signature = step.signature ?? "";
        const deltas: JsonObject[] = splitText(step.text, step.deltas).map((thinking) => ({
          type: "thinking_delta",
          thinking,
        }));
        if (signature !== "") deltas.push({ type: "signature_delta", signature });
        blocks.push({
          block: { type: "thinking", thinking: step.text, signature },
          start: { type: "thinking", thinking: "", signature: "" },
          deltas,
        });
        break;
      }
      case "tool-calls":
        for (const call of step.calls) {
          const id = call.id ?? `toolu_mock${context.seed}_${callCount++}`;
          // The real API opens with an empty partial_json before the first fragment.
          const fragments = ["", ...splitFragments(toolArgumentsText(call), call.fragments)];
          blocks.push({
            block: { type: "tool_use", id, name: call.name, input: toolArgumentsObject(call) },
            start: { type: "tool_use", id, name: call.name, input: {} },
            deltas: fragments.map((partial_json) => ({ type: "input_json_delta", partial_json })),
          });
        }
        break;
      default:
        assertNever(step, "step");
    }
  }
  return blocks;
}

function stopReason(script: MockScript, steps: readonly MockStep[]): string {
  return script.wireFinishReason ?? mapAnthropicStopReason(resolveFinish(script, steps));
}

function stopSequence(script: MockScript, reason: string): string | null {
  return reason === "stop_sequence" ? (script.stopSequence ?? null) : null;
}

/** A whole `message` body. */
export function renderAnthropicResponse(script: MockScript, context: RenderContext): JsonObject {
  const steps = resolveSteps(script);
  const reason = stopReason(script, steps);
  return {
    model: script.model ?? context.model,
    id: script.id ?? `msg_mock${context.seed}`,
    type: "message",
    role: "assistant",
    content: planBlocks(steps, context).map((planned) => planned.block),
    stop_reason: reason,
    stop_sequence: stopSequence(script, reason),
    usage: renderAnthropicUsage(resolveUsage(script, steps)),
  };
}

/** message_start, content_block_start/delta/stop (+ one ping), message_delta, message_stop. */
export function renderAnthropicStream(script: MockScript, context: RenderContext): string[] {
  const steps = resolveSteps(script);
  const usage = resolveUsage(script, steps);
  const reason = stopReason(script, steps);
  const frames: string[] = [];
  const emit = (payload: JsonObject): void => {
    frames.push(eventFrame(String(payload.type), payload));
  };
  emit({
    type: "message_start",
    message: {
      model: script.model ?? context.model,
      id: script.id ?? `msg_mock${context.seed}`,
      type: "message",
      role: "assistant",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: renderAnthropicUsage(usage, 1),
    },
  });
  let pinged = script.ping === false;
  planBlocks(steps, context).forEach((planned, index) => {
    emit({ type: "content_block_start", index, content_block: planned.start });
    if (!pinged) {
      pinged = true;
      emit({ type: "ping" });
    }
    for (const delta of planned.deltas) emit({ type: "content_block_delta", index, delta });
    emit({ type: "content_block_stop", index });
  });
  emit({
    type: "message_delta",
    delta: { stop_reason: reason, stop_sequence: stopSequence(script, reason) },
    usage: {
      input_tokens: usage.input,
      cache_creation_input_tokens: usage.cacheWrite,
      cache_read_input_tokens: usage.cacheRead,
      output_tokens: usage.output,
    },
  });
  emit({ type: "message_stop" });
  if (script.streamError === undefined) return frames;
  const error = resolveStreamError("anthropic", script.streamError);
  frames.length = Math.min(frames.length, error.afterChunks);
  emit({ type: "error", error: { type: error.type, message: error.message } });
  return frames;
}
