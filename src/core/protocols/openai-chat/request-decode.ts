import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";
import { assertNever, type CoreContext } from "../../model/protocol.js";
import type {
  CanonicalRequest,
  OutputFormat,
  SamplingParameters,
  ToolChoice,
  ToolDefinition,
} from "../../model/request.js";
import type { Warning } from "../../model/warnings.js";
import type { DecodedRequest, InboundRequestInfo } from "../adapter.js";
import { decodeChatMessages } from "./request-messages-decode.js";
import { type ChatRequest, type ChatTool, MAPPED_REQUEST_FIELDS, parseChatRequest } from "./schema.js";

const EMPTY_PARAMETERS: JsonObject = { type: "object", properties: {} };

function decodeTool(tool: ChatTool): ToolDefinition {
  if (tool.type === "custom") {
    const custom: ToolDefinition = { kind: "custom", name: tool.custom.name };
    if (tool.custom.description != null) custom.description = tool.custom.description;
    if (tool.custom.format != null) custom.format = tool.custom.format;
    return custom;
  }
  const fn = tool.function;
  const definition: ToolDefinition = {
    kind: "function",
    name: fn.name,
    parameters: fn.parameters ?? EMPTY_PARAMETERS,
  };
  if (fn.description != null) definition.description = fn.description;
  if (fn.strict != null) definition.strict = fn.strict;
  return definition;
}

function allowedToolNames(tools: readonly JsonObject[]): Set<string> {
  const names = new Set<string>();
  for (const tool of tools) {
    const inner = tool.type === "custom" ? tool.custom : tool.function;
    if (isJsonObject(inner) && typeof inner.name === "string") {
      names.add(inner.name);
    }
  }
  return names;
}

/** tool_choice -> canonical; `allowed_tools` narrows the tool list to the allowed ones instead. */
function decodeToolChoice(wire: ChatRequest, request: CanonicalRequest): void {
  const choice = wire.tool_choice;
  if (choice == null) return;
  if (typeof choice === "string") {
    request.toolChoice = { type: choice };
    return;
  }
  let decoded: ToolChoice;
  switch (choice.type) {
    case "function":
      decoded = { type: "tool", name: choice.function.name };
      break;
    case "custom":
      decoded = { type: "tool", name: choice.custom.name };
      break;
    case "allowed_tools": {
      const allowed = allowedToolNames(choice.allowed_tools.tools);
      request.tools = request.tools.filter((tool) => allowed.has(tool.name));
      decoded = { type: choice.allowed_tools.mode };
      break;
    }
    default:
      assertNever(choice, "tool_choice");
  }
  request.toolChoice = decoded;
}

function decodeOutputFormat(wire: ChatRequest): OutputFormat | undefined {
  const format = wire.response_format;
  if (format == null) return undefined;
  switch (format.type) {
    case "text":
      return { type: "text" };
    case "json_object":
      return { type: "json-object" };
    case "json_schema": {
      const spec = format.json_schema;
      const output: OutputFormat = { type: "json-schema", name: spec.name, schema: spec.schema ?? {} };
      if (spec.description != null) output.description = spec.description;
      if (spec.strict != null) output.strict = spec.strict;
      return output;
    }
    default:
      return assertNever(format, "response_format");
  }
}

function decodeSampling(wire: ChatRequest): SamplingParameters {
  const sampling: SamplingParameters = {};
  const maxTokens = wire.max_completion_tokens ?? wire.max_tokens;
  if (maxTokens != null) sampling.maxOutputTokens = maxTokens;
  if (wire.temperature != null) sampling.temperature = wire.temperature;
  if (wire.top_p != null) sampling.topP = wire.top_p;
  if (wire.stop != null) sampling.stop = typeof wire.stop === "string" ? [wire.stop] : wire.stop;
  if (wire.seed != null) sampling.seed = wire.seed;
  if (wire.frequency_penalty != null) sampling.frequencyPenalty = wire.frequency_penalty;
  if (wire.presence_penalty != null) sampling.presencePenalty = wire.presence_penalty;
  if (wire.n != null) sampling.candidateCount = wire.n;
  return sampling;
}

/** Top-level fields with no canonical home, kept for a lossless same-protocol re-encode. */
function collectExtensions(body: ChatRequest): JsonObject | undefined {
  let extensions: JsonObject | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (MAPPED_REQUEST_FIELDS.has(key) || value === undefined) continue;
    extensions ??= {};
    extensions[key] = value as JsonValue;
  }
  return extensions;
}

/** A Chat Completions client request -> canonical. Throws LlmuxError("invalid_request"). */
export function decodeChatRequest(
  body: unknown,
  _info: InboundRequestInfo,
  context: CoreContext,
): DecodedRequest {
  const wire = parseChatRequest(body);
  const warnings: Warning[] = [];
  const { system, messages } = decodeChatMessages(wire.messages, context, warnings);
  const request: CanonicalRequest = {
    model: wire.model,
    system,
    messages,
    tools: (wire.tools ?? []).map(decodeTool),
    sampling: decodeSampling(wire),
    stream: wire.stream === true,
    metadata: {},
    extensions: {},
  };
  decodeToolChoice(wire, request);
  if (wire.parallel_tool_calls != null) request.parallelToolCalls = wire.parallel_tool_calls;
  if (wire.reasoning_effort != null) {
    request.reasoning = { enabled: wire.reasoning_effort !== "none", effort: wire.reasoning_effort };
  }
  const output = decodeOutputFormat(wire);
  if (output !== undefined) request.output = output;
  const includeUsage = wire.stream_options?.include_usage;
  if (includeUsage != null) request.includeUsage = includeUsage;
  if (wire.user != null) request.metadata.user = wire.user;
  if (wire.prompt_cache_key != null) request.metadata.sessionId = wire.prompt_cache_key;
  const extensions = collectExtensions(wire);
  if (extensions !== undefined) request.extensions["openai-chat"] = extensions;
  return { request, warnings };
}
