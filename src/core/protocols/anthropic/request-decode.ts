import { safeParseJson } from "../../json/safe-parse.js";
import { isJsonObject, type JsonObject } from "../../model/json.js";
import type { Message, TextPart } from "../../model/parts.js";
import { assertNever } from "../../model/protocol.js";
import type {
  CanonicalRequest,
  OutputFormat,
  ReasoningConfig,
  RequestMetadata,
  SamplingParameters,
  ToolChoice,
  ToolDefinition,
} from "../../model/request.js";
import type { DecodedRequest } from "../adapter.js";
import { cacheControlFromWire, decodeMessage } from "./message-decode.js";
import {
  type AnthropicRequestWire,
  type AnthropicToolChoiceWire,
  type AnthropicToolWire,
  parseAnthropicRequest,
} from "./schema.js";
import { WarningSink } from "./warnings.js";

/** Top-level fields with a canonical home; every other field goes to `extensions.anthropic`. */
const MAPPED_FIELDS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "system",
  "max_tokens",
  "stop_sequences",
  "stream",
  "temperature",
  "top_p",
  "top_k",
  "tools",
  "tool_choice",
  "thinking",
  "output_config",
  "output_format",
  "metadata",
]);

function decodeSystem(system: AnthropicRequestWire["system"]): TextPart[] {
  if (system === null || system === undefined) return [];
  if (typeof system === "string") return [{ type: "text", text: system }];
  return system.map((block) => {
    const part: TextPart = { type: "text", text: block.text };
    const cacheControl = cacheControlFromWire(block.cache_control);
    if (cacheControl !== undefined) part.cacheControl = cacheControl;
    return part;
  });
}

function decodeTool(tool: AnthropicToolWire): ToolDefinition {
  if (typeof tool.type === "string" && tool.type !== "custom") {
    const { name, type, ...config } = tool;
    return { kind: "server", name, type, protocol: "anthropic", config: config as JsonObject };
  }
  const definition: ToolDefinition = {
    kind: "function",
    name: tool.name,
    parameters: (tool.input_schema as JsonObject | null | undefined) ?? { type: "object", properties: {} },
  };
  if (typeof tool.description === "string") definition.description = tool.description;
  if (typeof tool.strict === "boolean") definition.strict = tool.strict;
  if (tool.defer_loading === true) definition.deferLoading = true;
  return definition;
}

function decodeToolChoice(wire: AnthropicToolChoiceWire): ToolChoice {
  switch (wire.type) {
    case "auto":
      return { type: "auto" };
    case "any":
      return { type: "required" };
    case "tool":
      return { type: "tool", name: wire.name };
    case "none":
      return { type: "none" };
    default:
      return assertNever(wire, "tool choice");
  }
}

/**
 * `thinking` and `output_config.effort` as canonical reasoning. An unknown thinking type is
 * kept raw in the extensions (so an Anthropic upstream still gets it) and maps to nothing.
 */
function decodeReasoning(
  wire: AnthropicRequestWire,
  extensions: JsonObject,
  warnings: WarningSink,
): ReasoningConfig | undefined {
  const thinking = wire.thinking;
  const effort = wire.output_config?.effort ?? undefined;
  let reasoning: ReasoningConfig | undefined;
  if (thinking !== null && thinking !== undefined) {
    const includeThoughts = thinking.display !== "omitted";
    switch (thinking.type) {
      case "enabled":
        reasoning = { enabled: true, includeThoughts };
        if (typeof thinking.budget_tokens === "number") reasoning.budgetTokens = thinking.budget_tokens;
        break;
      case "adaptive":
        reasoning = { enabled: true, adaptive: true, includeThoughts };
        break;
      case "disabled":
        reasoning = { enabled: false };
        break;
      default:
        extensions.thinking = thinking as JsonObject;
    }
  }
  if (effort !== undefined) {
    if (reasoning === undefined) reasoning = { enabled: true, effort };
    else if (reasoning.enabled) reasoning.effort = effort;
    else warnings.add("effort_dropped", "output_config.effort is ignored because thinking is disabled");
  }
  return reasoning;
}

function decodeOutput(wire: AnthropicRequestWire): OutputFormat | undefined {
  const format = wire.output_config?.format ?? wire.output_format ?? undefined;
  if (format === undefined) return undefined;
  return { type: "json-schema", schema: format.schema as JsonObject };
}

function decodeSampling(wire: AnthropicRequestWire): SamplingParameters {
  const sampling: SamplingParameters = {};
  if (typeof wire.temperature === "number") sampling.temperature = wire.temperature;
  if (typeof wire.top_p === "number") sampling.topP = wire.top_p;
  if (typeof wire.top_k === "number") sampling.topK = wire.top_k;
  if (typeof wire.max_tokens === "number") sampling.maxOutputTokens = wire.max_tokens;
  if (Array.isArray(wire.stop_sequences) && wire.stop_sequences.length > 0)
    sampling.stop = wire.stop_sequences;
  return sampling;
}

/**
 * `metadata.user_id` as the user; a session id is read from it when it embeds one: Claude Code
 * sends `user_<hash>_account_<uuid>_session_<uuid>` or a JSON text with `session_id`.
 */
export function decodeMetadata(userId: string | null | undefined): RequestMetadata {
  if (typeof userId !== "string" || userId === "") return {};
  const metadata: RequestMetadata = { user: userId };
  const suffix = /_session_([0-9a-zA-Z-]+)$/.exec(userId);
  if (suffix?.[1] !== undefined) {
    metadata.sessionId = suffix[1];
  } else if (userId.startsWith("{")) {
    const parsed = safeParseJson(userId);
    if (parsed.ok && isJsonObject(parsed.value) && typeof parsed.value.session_id === "string") {
      metadata.sessionId = parsed.value.session_id;
    }
  }
  return metadata;
}

/** Leading `system` messages join the system prompt; later ones stay in place. */
function hoistLeadingSystem(messages: Message[], system: TextPart[]): Message[] {
  let start = 0;
  while (start < messages.length && messages[start]?.role === "system") {
    for (const part of messages[start]?.content ?? []) if (part.type === "text") system.push(part);
    start++;
  }
  return start === 0 ? messages : messages.slice(start);
}

export function decodeAnthropicRequest(body: unknown): DecodedRequest {
  const wire = parseAnthropicRequest(body);
  const warnings = new WarningSink();
  const extensions: JsonObject = {};
  for (const [key, value] of Object.entries(wire)) {
    if (!MAPPED_FIELDS.has(key) && value !== undefined) extensions[key] = value as JsonObject[string];
  }

  const names = new Map<string, string>();
  const decoded: Message[] = [];
  wire.messages.forEach((message, index) => {
    decoded.push(...decodeMessage(message, `messages[${index}]`, names, warnings));
  });
  const system = decodeSystem(wire.system);
  const messages = hoistLeadingSystem(decoded, system);

  const request: CanonicalRequest = {
    model: wire.model,
    system,
    messages,
    tools: (wire.tools ?? []).map(decodeTool),
    sampling: decodeSampling(wire),
    stream: wire.stream === true,
    metadata: decodeMetadata(wire.metadata?.user_id),
    extensions: {},
  };
  if (wire.tool_choice !== null && wire.tool_choice !== undefined) {
    request.toolChoice = decodeToolChoice(wire.tool_choice);
    if (wire.tool_choice.type !== "none" && typeof wire.tool_choice.disable_parallel_tool_use === "boolean") {
      request.parallelToolCalls = !wire.tool_choice.disable_parallel_tool_use;
    }
  }
  const reasoning = decodeReasoning(wire, extensions, warnings);
  if (reasoning !== undefined) request.reasoning = reasoning;
  const output = decodeOutput(wire);
  if (output !== undefined) request.output = output;
  if (Object.keys(extensions).length > 0) request.extensions.anthropic = extensions;
  return { request, warnings: warnings.list };
}
