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
  totalPromptTokens,
} from "../script.js";
import { resolveStreamError } from "./errors.js";
import { type RenderContext, splitText, toolArgumentsObject } from "./shared.js";

/** Gemini `finishReason`. Gemini has no tool stop reason: a function call turn ends with STOP. */
export function mapGeminiFinishReason(reason: FinishReason): string {
  switch (reason) {
    case "stop":
    case "stop-sequence":
    case "tool-calls":
    case "pause":
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
    case "other":
      return "OTHER";
    default:
      return assertNever(reason, "finish reason");
  }
}

/**
 * Gemini usageMetadata. promptTokenCount includes cached tokens; candidatesTokenCount
 * excludes thoughts. `fraction` < 1 renders the running counts of a chunk mid-stream.
 */
export function renderGeminiUsage(usage: ResolvedUsage, fraction = 1): JsonObject {
  const prompt = totalPromptTokens(usage);
  const thoughts = Math.floor(usage.reasoning * fraction);
  const candidates = Math.floor((usage.output - usage.reasoning) * fraction);
  const metadata: JsonObject = {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates + thoughts,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }],
  };
  if (usage.cacheRead > 0) {
    metadata.cachedContentTokenCount = usage.cacheRead;
    metadata.cacheTokensDetails = [{ modality: "TEXT", tokenCount: usage.cacheRead }];
  }
  if (thoughts > 0) metadata.thoughtsTokenCount = thoughts;
  return metadata;
}

/** The parts of each stream chunk, in order. `whole` gives one part per text/thinking step instead. */
function planParts(steps: readonly MockStep[], whole: boolean): JsonObject[][] {
  const chunks: JsonObject[][] = [];
  for (const step of steps) {
    switch (step.type) {
      case "text":
        for (const text of whole ? [step.text] : splitText(step.text, step.deltas)) chunks.push([{ text }]);
        break;
      case "thinking": {
        const pieces = whole ? [step.text] : splitText(step.text, step.deltas);
        pieces.forEach((text, index) => {
          const part: JsonObject = { text, thought: true };
          if (step.signature !== undefined && index === pieces.length - 1)
            part.thoughtSignature = step.signature;
          chunks.push([part]);
        });
        break;
      }
      case "tool-calls":
        // Gemini sends parallel calls whole, together in one chunk.
        chunks.push(
          step.calls.map((call) => {
            const part: JsonObject = { functionCall: { name: call.name, args: toolArgumentsObject(call) } };
            if (call.signature !== undefined) part.thoughtSignature = call.signature;
            return part;
          }),
        );
        break;
      default:
        assertNever(step, "step");
    }
  }
  return chunks;
}

function finishReason(script: MockScript, steps: readonly MockStep[]): string {
  return script.wireFinishReason ?? mapGeminiFinishReason(resolveFinish(script, steps));
}

function responseId(script: MockScript, context: RenderContext): string {
  return script.id ?? `mock${context.seed}`;
}

/** A whole generateContent body. */
export function renderGeminiResponse(script: MockScript, context: RenderContext): JsonObject {
  const steps = resolveSteps(script);
  const parts = planParts(steps, true).flat();
  return {
    candidates: [
      {
        content: { parts: parts.length > 0 ? parts : [{ text: "" }], role: "model" },
        finishReason: finishReason(script, steps),
        index: 0,
      },
    ],
    usageMetadata: renderGeminiUsage(resolveUsage(script, steps)),
    modelVersion: script.model ?? context.model,
    responseId: responseId(script, context),
  };
}

export interface GeminiStreamOptions {
  /** `alt=sse`: SSE frames split by CRLF like the real API. Otherwise a streamed JSON array. */
  sse: boolean;
}

/** streamGenerateContent chunks: usageMetadata on every chunk, finishReason on the last. */
export function renderGeminiStream(
  script: MockScript,
  context: RenderContext,
  options: GeminiStreamOptions,
): string[] {
  const steps = resolveSteps(script);
  const usage = resolveUsage(script, steps);
  const chunks = planParts(steps, false);
  if (chunks.length === 0) chunks.push([{ text: "" }]);
  const payloads: JsonObject[] = chunks.map((parts, index) => {
    const last = index === chunks.length - 1;
    const candidate: JsonObject = { content: { parts, role: "model" } };
    if (last) candidate.finishReason = finishReason(script, steps);
    candidate.index = 0;
    return {
      candidates: [candidate],
      usageMetadata: renderGeminiUsage(usage, (index + 1) / chunks.length),
      modelVersion: script.model ?? context.model,
      responseId: responseId(script, context),
    };
  });
  if (script.streamError !== undefined) {
    const error = resolveStreamError("gemini", script.streamError);
    payloads.length = Math.min(payloads.length, error.afterChunks);
    payloads.push({ error: { code: error.status, message: error.message, status: error.type } });
  }
  if (options.sse) return payloads.map((payload) => `data: ${JSON.stringify(payload)}\r\n\r\n`);
  const frames = payloads.map((payload, index) => `${index === 0 ? "[" : ",\r\n"}${JSON.stringify(payload)}`);
  frames.push("]");
  return frames;
}
