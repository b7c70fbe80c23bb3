import { LlmuxError } from "../../model/errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";
import type { TextPart } from "../../model/parts.js";
import type { CoreContext } from "../../model/protocol.js";
import type {
  CanonicalRequest,
  OutputFormat,
  ReasoningConfig,
  ReasoningEffort,
  SamplingParameters,
  ToolChoice,
  ToolDefinition,
} from "../../model/request.js";
import type { DecodedRequest, InboundRequestInfo } from "../adapter.js";
import { decodeContents } from "./contents-decode.js";
import { normalizeGeminiSchema } from "./json-schema.js";
import { normalizeRequestKeys } from "./normalize-keys.js";
import {
  type GeminiGenerationConfig,
  type GeminiRequest,
  type GeminiTool,
  type GeminiToolConfig,
  parseGeminiRequest,
} from "./schema.js";
import { WarningSink } from "./warnings.js";

const MAPPED_TOP_LEVEL = new Set([
  "model",
  "contents",
  "systemInstruction",
  "tools",
  "toolConfig",
  "generationConfig",
]);
const MAPPED_GENERATION = new Set([
  "temperature",
  "topP",
  "topK",
  "maxOutputTokens",
  "stopSequences",
  "candidateCount",
  "seed",
  "presencePenalty",
  "frequencyPenalty",
  "responseMimeType",
  "responseSchema",
  "responseJsonSchema",
  "thinkingConfig",
]);
const MAPPED_THINKING = new Set(["thinkingBudget", "thinkingLevel", "includeThoughts"]);
const MAPPED_CALLING = new Set(["mode", "allowedFunctionNames"]);
const MAPPED_DECLARATION = new Set(["name", "description", "parameters", "parametersJsonSchema"]);

/** The fields of `source` outside `mapped`, as JSON (dropping undefined leaves). */
function residual(source: Record<string, unknown>, mapped: ReadonlySet<string>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    if (!mapped.has(key) && value !== undefined) out[key] = value as JsonValue;
  }
  return out;
}

function isEmpty(object: JsonObject): boolean {
  return Object.keys(object).length === 0;
}

function decodeSystem(system: GeminiRequest["systemInstruction"], warnings: WarningSink): TextPart[] {
  if (system == null) return [];
  if (typeof system === "string") return system === "" ? [] : [{ type: "text", text: system }];
  const parts: TextPart[] = [];
  for (const part of system.parts) {
    if (typeof part.text === "string") {
      if (part.text !== "") parts.push({ type: "text", text: part.text });
    } else warnings.add("gemini_system_part_dropped", "a non-text systemInstruction part was dropped");
  }
  return parts;
}

function decodeTools(
  tools: readonly GeminiTool[] | null | undefined,
  warnings: WarningSink,
): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  for (const tool of tools ?? []) {
    for (const declaration of tool.functionDeclarations ?? []) {
      const schema = declaration.parametersJsonSchema ??
        declaration.parameters ?? { type: "object", properties: {} };
      const normalized = normalizeGeminiSchema(schema);
      const definition: ToolDefinition = {
        kind: "function",
        name: declaration.name,
        parameters: isJsonObject(normalized) ? normalized : { type: "object", properties: {} },
      };
      if (declaration.description != null && declaration.description !== "")
        definition.description = declaration.description;
      out.push(definition);
      const extra = Object.keys(residual(declaration, MAPPED_DECLARATION));
      if (extra.length > 0) {
        warnings.add(
          "gemini_declaration_field_dropped",
          `function "${declaration.name}": ${extra.join(", ")} not carried`,
        );
      }
    }
    for (const [key, value] of Object.entries(tool)) {
      if (key === "functionDeclarations" || value === undefined || value === null) continue;
      out.push({
        kind: "server",
        name: key,
        type: key,
        protocol: "gemini",
        config: isJsonObject(value) ? value : {},
      });
    }
  }
  return out;
}

interface DecodedToolConfig {
  toolChoice?: ToolChoice;
  residual: JsonObject;
}

function decodeToolConfig(
  config: GeminiToolConfig | null | undefined,
  warnings: WarningSink,
): DecodedToolConfig {
  if (config == null) return { residual: {} };
  const out: DecodedToolConfig = { residual: residual(config, new Set(["functionCallingConfig"])) };
  const calling = config.functionCallingConfig;
  if (calling == null) return out;
  const callingResidual = residual(calling, MAPPED_CALLING);
  const names = calling.allowedFunctionNames ?? [];
  switch (calling.mode) {
    case "AUTO":
      out.toolChoice = { type: "auto" };
      break;
    case "VALIDATED":
      out.toolChoice = { type: "auto" };
      callingResidual.mode = "VALIDATED";
      break;
    case "NONE":
      out.toolChoice = { type: "none" };
      break;
    case "ANY":
      if (names.length === 1) out.toolChoice = { type: "tool", name: names[0]! };
      else out.toolChoice = { type: "required" };
      break;
    default:
      break;
  }
  if (names.length > 0 && out.toolChoice?.type !== "tool") {
    callingResidual.allowedFunctionNames = names;
    warnings.add(
      "gemini_allowed_function_names",
      `allowedFunctionNames (${names.join(", ")}) only restrict Gemini upstreams`,
    );
  }
  if (!isEmpty(callingResidual)) out.residual.functionCallingConfig = callingResidual;
  return out;
}

const EFFORT_FOR_LEVEL: Record<string, ReasoningEffort> = {
  MINIMAL: "minimal",
  LOW: "low",
  MEDIUM: "medium",
  HIGH: "high",
};

interface DecodedGeneration {
  sampling: SamplingParameters;
  reasoning?: ReasoningConfig;
  output?: OutputFormat;
  residual: JsonObject;
}

function decodeGeneration(config: GeminiGenerationConfig | null | undefined): DecodedGeneration {
  const out: DecodedGeneration = { sampling: {}, residual: {} };
  if (config == null) return out;
  out.residual = residual(config, MAPPED_GENERATION);
  const sampling = out.sampling;
  if (config.temperature != null) sampling.temperature = config.temperature;
  if (config.topP != null) sampling.topP = config.topP;
  if (config.topK != null) sampling.topK = config.topK;
  if (config.maxOutputTokens != null) sampling.maxOutputTokens = config.maxOutputTokens;
  if (config.stopSequences != null && config.stopSequences.length > 0) sampling.stop = config.stopSequences;
  if (config.candidateCount != null) sampling.candidateCount = config.candidateCount;
  if (config.seed != null) sampling.seed = config.seed;
  if (config.presencePenalty != null) sampling.presencePenalty = config.presencePenalty;
  if (config.frequencyPenalty != null) sampling.frequencyPenalty = config.frequencyPenalty;

  const mime = config.responseMimeType?.toLowerCase();
  const schema = config.responseJsonSchema ?? config.responseSchema ?? undefined;
  if (mime === "application/json") {
    const normalized = schema === undefined ? undefined : normalizeGeminiSchema(schema);
    out.output = isJsonObject(normalized)
      ? { type: "json-schema", schema: normalized }
      : { type: "json-object" };
  } else if (mime === "text/plain" && schema === undefined) {
    out.output = { type: "text" };
  } else if (config.responseMimeType != null || schema !== undefined) {
    // e.g. text/x.enum: no canonical home, kept for a Gemini upstream.
    if (config.responseMimeType != null) out.residual.responseMimeType = config.responseMimeType;
    if (config.responseJsonSchema != null) out.residual.responseJsonSchema = config.responseJsonSchema;
    if (config.responseSchema != null) out.residual.responseSchema = config.responseSchema;
  }

  const thinking = config.thinkingConfig;
  if (thinking != null) {
    const thinkingResidual = residual(thinking, MAPPED_THINKING);
    if (!isEmpty(thinkingResidual)) out.residual.thinkingConfig = thinkingResidual;
    const budget = thinking.thinkingBudget ?? undefined;
    const effort = thinking.thinkingLevel == null ? undefined : EFFORT_FOR_LEVEL[thinking.thinkingLevel];
    if (budget === 0) {
      out.reasoning = { enabled: false };
    } else if (budget !== undefined || effort !== undefined || thinking.includeThoughts === true) {
      const reasoning: ReasoningConfig = { enabled: true };
      if (budget !== undefined && budget > 0) reasoning.budgetTokens = budget;
      if (effort !== undefined) reasoning.effort = effort;
      out.reasoning = reasoning;
    }
    if (out.reasoning !== undefined && thinking.includeThoughts != null) {
      out.reasoning.includeThoughts = thinking.includeThoughts;
    }
  }
  return out;
}

/**
 * A client's generateContent body -> canonical request. The model and the stream flag come
 * from the URL. Fields with no canonical home (safetySettings, cachedContent, labels,
 * responseModalities, allowedFunctionNames beyond one ...) are kept in `extensions.gemini`
 * in their wire shape, so a Gemini upstream gets them back.
 */
export function decodeGeminiRequest(
  body: unknown,
  info: InboundRequestInfo,
  context: CoreContext,
): DecodedRequest {
  const wire = parseGeminiRequest(isJsonObject(body) ? normalizeRequestKeys(body) : body);
  const bodyModel = wire.model == null ? undefined : wire.model.replace(/^models\//, "");
  const model = info.model ?? bodyModel;
  if (model === undefined || model === "") {
    throw new LlmuxError("invalid_request", "model: no model named in the URL", { param: "model" });
  }
  const warnings = new WarningSink();
  const generation = decodeGeneration(wire.generationConfig);
  const toolConfig = decodeToolConfig(wire.toolConfig, warnings);
  const request: CanonicalRequest = {
    model,
    system: decodeSystem(wire.systemInstruction, warnings),
    messages: decodeContents(wire.contents, context, warnings),
    tools: decodeTools(wire.tools, warnings),
    sampling: generation.sampling,
    stream: info.stream ?? false,
    metadata: {},
    extensions: {},
  };
  if (toolConfig.toolChoice !== undefined) request.toolChoice = toolConfig.toolChoice;
  if (generation.reasoning !== undefined) request.reasoning = generation.reasoning;
  if (generation.output !== undefined) request.output = generation.output;

  const extension = residual(wire, MAPPED_TOP_LEVEL);
  if (!isEmpty(generation.residual)) extension.generationConfig = generation.residual;
  if (!isEmpty(toolConfig.residual)) extension.toolConfig = toolConfig.residual;
  if (!isEmpty(extension)) request.extensions.gemini = extension;
  return { request, warnings: warnings.list };
}
