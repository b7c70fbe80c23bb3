import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";
import { assertNever } from "../../model/protocol.js";
import { budgetForEffort } from "../../model/reasoning.js";
import type {
  CanonicalRequest,
  ReasoningConfig,
  ReasoningEffort,
  ToolChoice,
  ToolDefinition,
} from "../../model/request.js";
import { customToolAsFunction } from "../../tools/custom-tools.js";
import type { EncodedRequest, UpstreamTarget } from "../adapter.js";
import { encodeContents } from "./contents-encode.js";
import { toLegacySchema } from "./json-schema.js";
import {
  canDisableThinking,
  isGemini3OrLater,
  needsLegacySchema,
  supportsMinimalThinking,
  supportsThinking,
} from "./models.js";
import { WarningSink } from "./warnings.js";

/** Gemini accepts at most this many stop sequences. */
const MAX_STOP_SEQUENCES = 5;

/** Server tools of other protocols that Gemini has an equivalent for. */
function geminiServerTool(type: string): string | undefined {
  if (/web_search|google_search/.test(type)) return "googleSearch";
  if (/code_execution|code_interpreter/.test(type)) return "codeExecution";
  if (/web_fetch|url_context/.test(type)) return "urlContext";
  return undefined;
}

function encodeTools(tools: readonly ToolDefinition[], model: string, warnings: WarningSink): JsonObject[] {
  const declarations: JsonObject[] = [];
  const servers: JsonObject[] = [];
  const legacy = needsLegacySchema(model);
  const dropped = new Set<string>();
  for (const tool of tools) {
    switch (tool.kind) {
      case "function":
      case "custom": {
        // Gemini has no free-form tools: a function taking `{"input": text}` (core/tools).
        const definition = tool.kind === "custom" ? customToolAsFunction(tool) : tool;
        if (tool.kind === "custom") {
          warnings.add(
            "custom_tool_as_function",
            `free-form tool "${tool.name}" was offered to Gemini as a function with one string field "input"; its grammar is only described`,
          );
        }
        const declaration: JsonObject = { name: definition.name };
        if (definition.description !== undefined) declaration.description = definition.description;
        if (legacy) {
          const converted = toLegacySchema(definition.parameters);
          for (const keyword of converted.dropped) dropped.add(keyword);
          declaration.parameters = converted.schema;
        } else {
          declaration.parametersJsonSchema = definition.parameters;
        }
        declarations.push(declaration);
        break;
      }
      case "server": {
        if (tool.protocol === "gemini") {
          servers.push({ [tool.type]: tool.config });
          break;
        }
        // A Responses client's hosted tools (Codex: web_search, often with external_web_access
        // false, and tool_search) are kept for Responses upstreams only.
        const equivalent = tool.protocol === "openai-responses" ? undefined : geminiServerTool(tool.type);
        if (equivalent === undefined) {
          warnings.add(
            "gemini_server_tool_dropped",
            `server tool "${tool.type}" has no Gemini equivalent and was dropped`,
          );
        } else {
          warnings.add(
            "gemini_server_tool_mapped",
            `server tool "${tool.type}" was sent as Gemini ${equivalent}`,
          );
          if (!servers.some((server) => server[equivalent] !== undefined)) servers.push({ [equivalent]: {} });
        }
        break;
      }
      default:
        assertNever(tool, "tool definition");
    }
  }
  if (dropped.size > 0) {
    warnings.add(
      "gemini_schema_sanitized",
      `tool schemas were reduced to Gemini's legacy Schema for ${model}; dropped: ${[...dropped].join(", ")}`,
    );
  }
  return declarations.length > 0 ? [{ functionDeclarations: declarations }, ...servers] : servers;
}

function encodeToolChoice(choice: ToolChoice): JsonObject {
  switch (choice.type) {
    case "auto":
      return { functionCallingConfig: { mode: "AUTO" } };
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    case "required":
      return { functionCallingConfig: { mode: "ANY" } };
    case "tool":
      return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.name] } };
    default:
      return assertNever(choice, "tool choice");
  }
}

function thinkingLevel(effort: ReasoningEffort, model: string): string {
  switch (effort) {
    case "none":
    case "minimal":
      return supportsMinimalThinking(model) ? "MINIMAL" : "LOW";
    case "low":
      return "LOW";
    case "medium":
      return "MEDIUM";
    case "high":
    case "xhigh":
    case "max":
      return "HIGH";
    default:
      return assertNever(effort, "reasoning effort");
  }
}

/** The largest thinking budget each pre-Gemini-3 model accepts. */
function maxBudget(model: string): number {
  return /gemini-2\.5-pro/i.test(model) ? 32768 : 24576;
}

/**
 * Canonical reasoning -> `thinkingConfig`. A budget stays a budget; an effort becomes
 * `thinkingLevel` on Gemini 3 and a budget (the shared table) before it; disabled thinking is
 * `thinkingBudget: 0` where the model allows it and the lowest level/budget otherwise.
 * Never a level together with a budget, never an effort with thinking off.
 */
function encodeThinking(
  reasoning: ReasoningConfig,
  model: string,
  warnings: WarningSink,
): JsonObject | undefined {
  const gemini3 = isGemini3OrLater(model);
  const config: JsonObject = {};
  if (!supportsThinking(model)) {
    if (reasoning.enabled && reasoning.effort !== "none") {
      warnings.add(
        "gemini_thinking_unsupported",
        `${model} does not think; the reasoning settings were dropped`,
      );
    }
    return undefined;
  }
  if (!reasoning.enabled || reasoning.effort === "none") {
    if (canDisableThinking(model)) return { thinkingBudget: 0 };
    warnings.add(
      "gemini_thinking_not_disabled",
      `${model} cannot switch thinking off; the lowest setting was sent`,
    );
    return gemini3 ? { thinkingLevel: thinkingLevel("minimal", model) } : { thinkingBudget: 128 };
  }
  if (reasoning.budgetTokens !== undefined) {
    config.thinkingBudget = reasoning.budgetTokens;
  } else if (reasoning.effort !== undefined) {
    if (gemini3) config.thinkingLevel = thinkingLevel(reasoning.effort, model);
    else config.thinkingBudget = budgetForEffort(reasoning.effort);
  }
  const budget = config.thinkingBudget;
  if (!gemini3 && typeof budget === "number" && budget > maxBudget(model)) {
    warnings.add("gemini_thinking_budget_clamped", `thinking budget ${budget} exceeds ${model}'s maximum`);
    config.thinkingBudget = maxBudget(model);
  }
  if (reasoning.includeThoughts !== undefined) config.includeThoughts = reasoning.includeThoughts;
  return Object.keys(config).length > 0 ? config : undefined;
}

function encodeGeneration(
  request: CanonicalRequest,
  model: string,
  hasFunctions: boolean,
  warnings: WarningSink,
): JsonObject {
  const sampling = request.sampling;
  const config: JsonObject = {};
  if (sampling.temperature !== undefined) config.temperature = sampling.temperature;
  if (sampling.topP !== undefined) config.topP = sampling.topP;
  if (sampling.topK !== undefined) config.topK = sampling.topK;
  if (sampling.maxOutputTokens !== undefined) config.maxOutputTokens = sampling.maxOutputTokens;
  if (sampling.stop !== undefined && sampling.stop.length > 0) {
    if (sampling.stop.length > MAX_STOP_SEQUENCES) {
      warnings.add(
        "gemini_stop_sequences_truncated",
        `Gemini takes at most ${MAX_STOP_SEQUENCES} stop sequences`,
      );
    }
    config.stopSequences = sampling.stop.slice(0, MAX_STOP_SEQUENCES);
  }
  if (sampling.candidateCount !== undefined) config.candidateCount = sampling.candidateCount;
  if (sampling.seed !== undefined) config.seed = sampling.seed;
  if (sampling.presencePenalty !== undefined) config.presencePenalty = sampling.presencePenalty;
  if (sampling.frequencyPenalty !== undefined) config.frequencyPenalty = sampling.frequencyPenalty;

  const output = request.output;
  if (output !== undefined && output.type !== "text") {
    if (hasFunctions) {
      warnings.add(
        "gemini_json_output_with_tools",
        "Gemini cannot combine function calling with a JSON response type; the output format was dropped",
      );
    } else {
      config.responseMimeType = "application/json";
      if (output.type === "json-schema") {
        if (needsLegacySchema(model)) config.responseSchema = toLegacySchema(output.schema).schema;
        else config.responseJsonSchema = output.schema;
      }
    }
  }
  if (request.reasoning !== undefined) {
    const thinking = encodeThinking(request.reasoning, model, warnings);
    if (thinking !== undefined) config.thinkingConfig = thinking;
  }
  return config;
}

/** Fill what `target` lacks from a same-protocol extension, recursing into objects. */
function fillFrom(target: JsonObject, extra: JsonObject): void {
  for (const [key, value] of Object.entries(extra)) {
    const current = target[key];
    if (current === undefined) target[key] = value;
    else if (isJsonObject(current) && isJsonObject(value)) fillFrom(current, value);
  }
}

function applyExtension(body: JsonObject, extension: JsonObject): void {
  const calling = (value: JsonValue | undefined): JsonObject | undefined =>
    isJsonObject(value) && isJsonObject(value.functionCallingConfig)
      ? value.functionCallingConfig
      : undefined;
  const ours = calling(body.toolConfig);
  if (ours?.mode === "AUTO" && calling(extension.toolConfig)?.mode === "VALIDATED") ours.mode = "VALIDATED";
  fillFrom(body, extension);
}

/** Canonical request -> generateContent body for `target.model` (the model goes in the URL). */
export function encodeGeminiRequest(request: CanonicalRequest, target: UpstreamTarget): EncodedRequest {
  const warnings = new WarningSink();
  const model = target.model;
  const encoded = encodeContents(request, model, warnings);
  const body: JsonObject = { contents: encoded.contents };
  if (encoded.systemInstruction !== undefined) body.systemInstruction = encoded.systemInstruction;
  const tools = encodeTools(request.tools, model, warnings);
  if (tools.length > 0) body.tools = tools;
  const hasFunctions = tools.some((tool) => tool.functionDeclarations !== undefined);
  if (request.toolChoice !== undefined && hasFunctions)
    body.toolConfig = encodeToolChoice(request.toolChoice);
  if (request.parallelToolCalls === false && hasFunctions) {
    warnings.add("gemini_parallel_tool_calls", "Gemini cannot forbid parallel function calls");
  }
  const generation = encodeGeneration(request, model, hasFunctions, warnings);
  if (Object.keys(generation).length > 0) body.generationConfig = generation;
  const extension = request.extensions.gemini;
  if (extension !== undefined) applyExtension(body, structuredClone(extension));
  return { body, warnings: warnings.list };
}
