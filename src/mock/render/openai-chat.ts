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
  totalPromptTokens,
} from "../script.js";
import { resolveStreamError } from "./errors.js";
import { dataFrame, mergeCallFrames, type RenderContext, splitFragments, splitText } from "./shared.js";

/** Chat Completions `finish_reason` for a canonical finish reason. */
export function mapChatFinishReason(reason: FinishReason): string {
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

export function renderChatUsage(usage: ResolvedUsage): JsonObject {
  const prompt = totalPromptTokens(usage);
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output,
    total_tokens: prompt + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cacheRead, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chatId(script: MockScript, context: RenderContext): string {
  return script.id ?? `chatcmpl-mock${context.seed}`;
}

function callId(context: RenderContext, index: number, explicit: string | undefined): string {
  return explicit ?? `call_mock${context.seed}_${index}`;
}

function finishValue(script: MockScript, steps: readonly MockStep[]): string {
  return script.wireFinishReason ?? mapChatFinishReason(resolveFinish(script, steps));
}

/** A whole `chat.completion` body. A refusal finish puts the text in `message.refusal`. */
export function renderChatResponse(script: MockScript, context: RenderContext): JsonObject {
  const steps = resolveSteps(script);
  const refusal = resolveFinish(script, steps) === "refusal";
  let text: string | null = null;
  let reasoning: string | null = null;
  const toolCalls: JsonObject[] = [];
  for (const step of steps) {
    if (step.type === "text") text = (text ?? "") + step.text;
    else if (step.type === "thinking") reasoning = (reasoning ?? "") + step.text;
    else {
      for (const call of step.calls) {
        toolCalls.push({
          id: callId(context, toolCalls.length, call.id),
          type: "function",
          function: { name: call.name, arguments: toolArgumentsText(call) },
        });
      }
    }
  }
  const message: JsonObject = {
    role: "assistant",
    content: refusal ? null : text,
    refusal: refusal ? text : null,
    annotations: [],
  };
  if (reasoning !== null) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: chatId(script, context),
    object: "chat.completion",
    created: context.created,
    model: script.model ?? context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishValue(script, steps) }],
    usage: renderChatUsage(resolveUsage(script, steps)),
    service_tier: "default",
    system_fingerprint: "fp_mock",
  };
}

/** The deltas of a stream, in order, before the finish chunk. */
function streamDeltas(script: MockScript, steps: readonly MockStep[], context: RenderContext): JsonObject[] {
  const refusal = resolveFinish(script, steps) === "refusal";
  const deltas: JsonObject[] = [];
  let toolIndex = 0;
  for (const step of steps) {
    switch (step.type) {
      case "text":
        for (const piece of splitText(step.text, step.deltas)) {
          deltas.push(refusal ? { refusal: piece } : { content: piece });
        }
        break;
      case "thinking":
        for (const piece of splitText(step.text, step.deltas)) deltas.push({ reasoning_content: piece });
        break;
      case "tool-calls": {
        const lists = step.calls.map((call) => {
          const index = toolIndex++;
          const start = {
            index,
            id: callId(context, index, call.id),
            type: "function",
            function: { name: call.name, arguments: "" },
          };
          const fragments = splitFragments(toolArgumentsText(call), call.fragments).map((fragment) => ({
            index,
            function: { arguments: fragment },
          }));
          return [start, ...fragments];
        });
        for (const toolCall of mergeCallFrames(lists, step.interleave === true)) {
          deltas.push({ tool_calls: [toolCall] });
        }
        break;
      }
      default:
        assertNever(step, "step");
    }
  }
  // The first chunk carries the role: merged into a leading tool call (content null), else on its own.
  const first = deltas[0];
  if (first?.tool_calls !== undefined) {
    deltas[0] = { role: "assistant", content: null, ...first, refusal: null };
  } else {
    deltas.unshift({ role: "assistant", content: "", refusal: null });
  }
  return deltas;
}

/** `chat.completion.chunk` frames ending in `data: [DONE]` (or an error frame, when scripted). */
export function renderChatStream(script: MockScript, context: RenderContext): string[] {
  const steps = resolveSteps(script);
  const id = chatId(script, context);
  const model = script.model ?? context.model;
  const includeUsage = context.includeUsage === true;
  const chunk = (choices: JsonObject[], usage?: JsonObject): string => {
    const payload: JsonObject = {
      id,
      object: "chat.completion.chunk",
      created: context.created,
      model,
      service_tier: "default",
      system_fingerprint: "fp_mock",
      choices,
    };
    if (includeUsage) payload.usage = usage ?? null;
    return dataFrame(payload);
  };
  const frames = streamDeltas(script, steps, context).map((delta) =>
    chunk([{ index: 0, delta, logprobs: null, finish_reason: null }]),
  );
  frames.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishValue(script, steps) }]));
  if (includeUsage) frames.push(chunk([], renderChatUsage(resolveUsage(script, steps))));
  if (script.streamError !== undefined) {
    const error = resolveStreamError("openai-chat", script.streamError);
    const kept = frames.slice(0, error.afterChunks);
    kept.push(dataFrame({ error: { message: error.message, type: error.type, param: null, code: null } }));
    return kept;
  }
  frames.push("data: [DONE]\n\n");
  return frames;
}
