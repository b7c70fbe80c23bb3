import type { JsonObject } from "../../model/json.js";
import { assertNever, type CoreContext } from "../../model/protocol.js";
import { effortForBudget } from "../../model/reasoning.js";
import type {
  CanonicalRequest,
  OutputFormat,
  ReasoningConfig,
  ReasoningEffort,
} from "../../model/request.js";
import type { Warning } from "../../model/warnings.js";
import type { EncodedRequest, UpstreamTarget } from "../adapter.js";
import { acceptsSamplingWithoutReasoning, isOpenAiReasoningModel } from "../openai-chat/model-rules.js";
import { systemForNonAnthropic } from "../shared/system-prompt.js";
import { encodeInputItems } from "./input-encode.js";
import { ENCRYPTED_REASONING_INCLUDE } from "./request-decode.js";
import { encodeToolChoice, encodeTools } from "./tools.js";
import { objectAt } from "./wire.js";

/** Responses efforts; canonical `max` has no Responses level above `xhigh`. */
function responsesEffort(effort: ReasoningEffort): ReasoningEffort {
  return effort === "max" ? "xhigh" : effort;
}

function encodeReasoning(
  reasoning: ReasoningConfig,
  extension: JsonObject | undefined,
  warnings: Warning[],
): JsonObject | undefined {
  const { summary, ...rest } = extension ?? {};
  if (!reasoning.enabled) {
    if (reasoning.effort === "none") return { ...rest, effort: "none" };
    warnings.push({
      code: "reasoning_disable_unsupported",
      message:
        "reasoning was disabled: Responses models only turn it off with effort none; the model default applies",
    });
    return undefined;
  }
  const wire: JsonObject = { ...rest };
  const effort =
    reasoning.effort ??
    (reasoning.budgetTokens !== undefined ? effortForBudget(reasoning.budgetTokens) : undefined);
  if (effort !== undefined && effort !== "none") wire.effort = responsesEffort(effort);
  if (reasoning.includeThoughts === true) wire.summary = typeof summary === "string" ? summary : "auto";
  else if (summary === null) wire.summary = null;
  return Object.keys(wire).length > 0 ? wire : undefined;
}

function encodeOutputFormat(output: OutputFormat): JsonObject {
  switch (output.type) {
    case "text":
      return { type: "text" };
    case "json-object":
      return { type: "json_object" };
    case "json-schema": {
      const format: JsonObject = {
        type: "json_schema",
        name: output.name ?? "response",
        schema: output.schema,
      };
      if (output.description !== undefined) format.description = output.description;
      if (output.strict !== undefined) format.strict = output.strict;
      return format;
    }
    default:
      return assertNever(output, "output format");
  }
}

function encodeSystem(request: CanonicalRequest, input: JsonObject[]): string | undefined {
  const texts = systemForNonAnthropic(request.system).filter((part) => part.text.trim() !== "");
  const [first, ...rest] = texts;
  if (rest.length > 0) {
    input.unshift({
      type: "message",
      role: "system",
      content: rest.map((part) => ({ type: "input_text", text: part.text })),
    });
  }
  return first?.text;
}

function warnUnsupportedSampling(request: CanonicalRequest, warnings: Warning[]): void {
  const sampling = request.sampling;
  const unsupported: string[] = [];
  if (sampling.topK !== undefined) unsupported.push("top_k");
  if (sampling.stop !== undefined && sampling.stop.length > 0) unsupported.push("stop");
  if (sampling.seed !== undefined) unsupported.push("seed");
  if (sampling.frequencyPenalty !== undefined) unsupported.push("frequency_penalty");
  if (sampling.presencePenalty !== undefined) unsupported.push("presence_penalty");
  if (sampling.candidateCount !== undefined && sampling.candidateCount !== 1) unsupported.push("n");
  if (unsupported.length > 0) {
    warnings.push({
      code: "sampling_dropped",
      message: `Responses does not accept ${unsupported.join(", ")}; dropped`,
    });
  }
}

/**
 * temperature and top_p, except to reasoning models (o-series, gpt-5 family), which reject them;
 * gpt-5.1 and later take them again when reasoning is switched off with effort "none".
 */
function encodeTemperatureAndTopP(request: CanonicalRequest, body: JsonObject, warnings: Warning[]): void {
  const { temperature, topP } = request.sampling;
  const model = String(body.model);
  const effort = objectAt(body, "reasoning")?.effort;
  const restricted =
    isOpenAiReasoningModel(model) && !(effort === "none" && acceptsSamplingWithoutReasoning(model));
  if (!restricted) {
    if (temperature !== undefined) body.temperature = temperature;
    if (topP !== undefined) body.top_p = topP;
    return;
  }
  const dropped: string[] = [];
  if (temperature !== undefined) dropped.push("temperature");
  if (topP !== undefined) dropped.push("top_p");
  if (dropped.length > 0) {
    warnings.push({
      code: "sampling_dropped",
      message: `${model} is a reasoning model; dropped ${dropped.join(", ")}`,
    });
  }
}

/**
 * A canonical request as a Responses upstream body. The host has already resolved
 * `previous_response_id` into full history, so the body is self-contained: `store: false`, and
 * reasoning comes back as encrypted content (always in `include`) to be replayed next turn.
 */
export function encodeResponsesRequest(
  request: CanonicalRequest,
  target: UpstreamTarget,
  _context: CoreContext,
): EncodedRequest {
  const warnings: Warning[] = [];
  const extension = request.extensions["openai-responses"] ?? {};
  const { reasoning: reasoningExtension, text: _text, include: includeExtension, ...rest } = extension;
  const body: JsonObject = { ...rest, model: target.model };

  const input = encodeInputItems(request.messages, warnings);
  const instructions = encodeSystem(request, input);
  if (instructions !== undefined) body.instructions = instructions;
  body.input = input;

  if (request.tools.length > 0) {
    const tools = encodeTools(request.tools, warnings);
    if (tools.length > 0) body.tools = tools;
  }
  if (request.toolChoice !== undefined)
    body.tool_choice = encodeToolChoice(request.toolChoice, request.tools);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;

  if (request.reasoning !== undefined) {
    const reasoning = encodeReasoning(request.reasoning, objectAt(extension, "reasoning"), warnings);
    if (reasoning !== undefined) body.reasoning = reasoning;
  } else if (reasoningExtension !== undefined) {
    body.reasoning = reasoningExtension;
  }
  const text: JsonObject = { ...objectAt(extension, "text") };
  if (request.output !== undefined) text.format = encodeOutputFormat(request.output);
  if (Object.keys(text).length > 0) body.text = text;

  const sampling = request.sampling;
  if (sampling.maxOutputTokens !== undefined) body.max_output_tokens = sampling.maxOutputTokens;
  encodeTemperatureAndTopP(request, body, warnings);
  warnUnsupportedSampling(request, warnings);

  if (request.metadata.sessionId !== undefined) body.prompt_cache_key = request.metadata.sessionId;
  if (request.metadata.user !== undefined) body.user = request.metadata.user;

  const include = Array.isArray(includeExtension)
    ? includeExtension.filter((entry): entry is string => typeof entry === "string")
    : [];
  body.include = [...include, ENCRYPTED_REASONING_INCLUDE];
  body.store = false;
  body.stream = request.stream;
  return { body, warnings };
}
