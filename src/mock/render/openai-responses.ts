import type { FinishReason } from "../../core/model/finish.js";
import type { JsonObject, JsonValue } from "../../core/model/json.js";
import { assertNever } from "../../core/model/protocol.js";
import {
  type MockScript,
  type MockStep,
  type MockThinkingStep,
  type MockToolCall,
  type ResolvedUsage,
  resolveFinish,
  resolveSteps,
  resolveUsage,
  toolArgumentsText,
  totalPromptTokens,
} from "../script.js";
import { openAiErrorKind, resolveStreamError } from "./errors.js";
import { eventFrame, mergeCallFrames, type RenderContext, splitFragments, splitText } from "./shared.js";

/** The `incomplete_details.reason` a finish reason means; undefined when the response completed. */
export function mapResponsesIncompleteReason(reason: FinishReason): string | undefined {
  switch (reason) {
    case "length":
    case "context-window":
      return "max_output_tokens";
    case "content-filter":
      return "content_filter";
    case "stop":
    case "stop-sequence":
    case "tool-calls":
    case "refusal":
    case "pause":
    case "malformed-tool-call":
    case "other":
      return undefined;
    default:
      return assertNever(reason, "finish reason");
  }
}

export function renderResponsesUsage(usage: ResolvedUsage): JsonObject {
  const input = totalPromptTokens(usage);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cacheRead },
    output_tokens: usage.output,
    output_tokens_details: { reasoning_tokens: usage.reasoning },
    total_tokens: input + usage.output,
  };
}

interface ResponseState {
  status: "in_progress" | "completed" | "incomplete" | "failed";
  output: JsonObject[];
  usage: JsonObject | null;
  incompleteReason?: string | undefined;
  error?: JsonObject;
}

function responseObject(script: MockScript, context: RenderContext, state: ResponseState): JsonObject {
  return {
    id: script.id ?? `resp_mock${context.seed}`,
    object: "response",
    created_at: context.created,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incompleteReason === undefined ? null : { reason: state.incompleteReason },
    instructions: null,
    max_output_tokens: null,
    max_tool_calls: null,
    model: script.model ?? context.model,
    output: state.output,
    parallel_tool_calls: true,
    previous_response_id: null,
    prompt_cache_key: null,
    reasoning: { effort: null, summary: null },
    safety_identifier: null,
    service_tier: "default",
    store: true,
    temperature: 1,
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: "auto",
    tools: [],
    top_logprobs: 0,
    top_p: 1,
    truncation: "disabled",
    usage: state.usage,
    user: null,
    metadata: {},
  };
}

/** One output item: its final form and its stream events (without sequence numbers). */
interface PlannedItem {
  item: JsonObject;
  events: JsonObject[];
}

function planReasoning(step: MockThinkingStep, id: string, outputIndex: number): PlannedItem {
  const summary: JsonValue[] = step.text === "" ? [] : [{ type: "summary_text", text: step.text }];
  const item: JsonObject = { id, type: "reasoning" };
  if (step.encryptedContent !== undefined) item.encrypted_content = step.encryptedContent;
  item.summary = summary;
  const at = { item_id: id, output_index: outputIndex };
  const events: JsonObject[] = [
    {
      type: "response.output_item.added",
      output_index: outputIndex,
      item: { id, type: "reasoning", summary: [] },
    },
  ];
  if (step.text !== "") {
    const part = { ...at, summary_index: 0 };
    events.push({
      type: "response.reasoning_summary_part.added",
      ...part,
      part: { type: "summary_text", text: "" },
    });
    for (const delta of splitText(step.text, step.deltas)) {
      events.push({ type: "response.reasoning_summary_text.delta", ...part, delta });
    }
    events.push({ type: "response.reasoning_summary_text.done", ...part, text: step.text });
    events.push({
      type: "response.reasoning_summary_part.done",
      ...part,
      part: { type: "summary_text", text: step.text },
    });
  }
  events.push({ type: "response.output_item.done", output_index: outputIndex, item });
  return { item, events };
}

function planMessage(
  text: string,
  deltas: number | undefined,
  refusal: boolean,
  complete: boolean,
  id: string,
  outputIndex: number,
): PlannedItem {
  const part: JsonObject = refusal
    ? { type: "refusal", refusal: text }
    : { type: "output_text", annotations: [], logprobs: [], text };
  const status = complete ? "completed" : "incomplete";
  const item: JsonObject = { id, type: "message", status, content: [part], role: "assistant" };
  const at = { item_id: id, output_index: outputIndex, content_index: 0 };
  const emptyPart: JsonObject = refusal
    ? { type: "refusal", refusal: "" }
    : { type: "output_text", annotations: [], logprobs: [], text: "" };
  const events: JsonObject[] = [
    {
      type: "response.output_item.added",
      output_index: outputIndex,
      item: { id, type: "message", status: "in_progress", content: [], role: "assistant" },
    },
    { type: "response.content_part.added", ...at, part: emptyPart },
  ];
  for (const delta of splitText(text, deltas)) {
    events.push(
      refusal
        ? { type: "response.refusal.delta", ...at, delta }
        : { type: "response.output_text.delta", ...at, delta, logprobs: [] },
    );
  }
  events.push(
    refusal
      ? { type: "response.refusal.done", ...at, refusal: text }
      : { type: "response.output_text.done", ...at, text, logprobs: [] },
  );
  events.push({ type: "response.content_part.done", ...at, part });
  events.push({ type: "response.output_item.done", output_index: outputIndex, item });
  return { item, events };
}

function planFunctionCall(call: MockToolCall, id: string, callId: string, outputIndex: number): PlannedItem {
  const args = toolArgumentsText(call);
  const item: JsonObject = {
    id,
    type: "function_call",
    status: "completed",
    arguments: args,
    call_id: callId,
    name: call.name,
  };
  const at = { item_id: id, output_index: outputIndex };
  const events: JsonObject[] = [
    {
      type: "response.output_item.added",
      output_index: outputIndex,
      item: { ...item, status: "in_progress", arguments: "" },
    },
  ];
  for (const delta of splitFragments(args, call.fragments)) {
    events.push({ type: "response.function_call_arguments.delta", ...at, delta });
  }
  events.push({ type: "response.function_call_arguments.done", ...at, arguments: args });
  events.push({ type: "response.output_item.done", output_index: outputIndex, item });
  return { item, events };
}

/** Every output item in order, with the stream events that build it. */
function planOutput(
  script: MockScript,
  steps: readonly MockStep[],
  context: RenderContext,
  complete: boolean,
) {
  const refusal = resolveFinish(script, steps) === "refusal";
  const items: JsonObject[] = [];
  const events: JsonObject[] = [];
  let callCount = 0;
  const itemId = (prefix: string): string => `${prefix}_mock${context.seed}_${items.length}`;
  for (const step of steps) {
    switch (step.type) {
      case "thinking": {
        const planned = planReasoning(step, itemId("rs"), items.length);
        items.push(planned.item);
        events.push(...planned.events);
        break;
      }
      case "text": {
        const planned = planMessage(step.text, step.deltas, refusal, complete, itemId("msg"), items.length);
        items.push(planned.item);
        events.push(...planned.events);
        break;
      }
      case "tool-calls": {
        const lists: JsonObject[][] = [];
        for (const call of step.calls) {
          const callId = call.id ?? `call_mock${context.seed}_${callCount++}`;
          const planned = planFunctionCall(call, itemId("fc"), callId, items.length);
          items.push(planned.item);
          lists.push(planned.events);
        }
        events.push(...mergeCallFrames(lists, step.interleave === true));
        break;
      }
      default:
        assertNever(step, "step");
    }
  }
  return { items, events };
}

function finalState(
  script: MockScript,
  steps: readonly MockStep[],
): Pick<ResponseState, "status" | "incompleteReason"> {
  const incompleteReason =
    script.wireFinishReason ?? mapResponsesIncompleteReason(resolveFinish(script, steps));
  return incompleteReason === undefined
    ? { status: "completed" }
    : { status: "incomplete", incompleteReason };
}

/** A whole `response` object. */
export function renderResponsesResponse(script: MockScript, context: RenderContext): JsonObject {
  const steps = resolveSteps(script);
  const final = finalState(script, steps);
  const { items } = planOutput(script, steps, context, final.status === "completed");
  return responseObject(script, context, {
    ...final,
    output: items,
    usage: renderResponsesUsage(resolveUsage(script, steps)),
  });
}

/** Named SSE events with a `sequence_number` on each, ending in response.completed / incomplete. */
export function renderResponsesStream(script: MockScript, context: RenderContext): string[] {
  const steps = resolveSteps(script);
  const final = finalState(script, steps);
  const { items, events } = planOutput(script, steps, context, final.status === "completed");
  const frames: string[] = [];
  const emit = (payload: JsonObject): void => {
    const type = String(payload.type);
    frames.push(eventFrame(type, { type, sequence_number: frames.length, ...payload }));
  };
  const pending: ResponseState = { status: "in_progress", output: [], usage: null };
  emit({ type: "response.created", response: responseObject(script, context, pending) });
  emit({ type: "response.in_progress", response: responseObject(script, context, pending) });
  for (const event of events) emit(event);
  const terminal = final.status === "completed" ? "response.completed" : "response.incomplete";
  const usage = renderResponsesUsage(resolveUsage(script, steps));
  emit({ type: terminal, response: responseObject(script, context, { ...final, output: items, usage }) });
  if (script.streamError === undefined) return frames;
  const error = resolveStreamError("openai-responses", script.streamError);
  frames.length = Math.min(frames.length, error.afterChunks);
  const code = openAiErrorKind(error.status).code ?? error.type;
  emit({ type: "error", error: { type: error.type, code, message: error.message, param: null } });
  const failed: ResponseState = {
    status: "failed",
    output: [],
    usage: null,
    error: { code, message: error.message },
  };
  emit({ type: "response.failed", response: responseObject(script, context, failed) });
  return frames;
}
