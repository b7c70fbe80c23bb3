import { LlmuxError } from "../../model/errors.js";
import { isJsonObject, type JsonObject } from "../../model/json.js";
import type { CanonicalRequest, OutputFormat, ReasoningConfig } from "../../model/request.js";
import type { Warning } from "../../model/warnings.js";
import type { DecodedRequest } from "../adapter.js";
import { parseAt } from "../shared/validate.js";
import { decodeInput } from "./input-decode.js";
import { jsonSchemaFormatSchema, requestSchema, type WireRequest } from "./schema.js";
import { decodeToolChoice, decodeTools } from "./tools.js";
import { omitKeys, stringAt } from "./wire.js";

/** The include entry llmux always asks a Responses upstream for (see request-encode.ts). */
export const ENCRYPTED_REASONING_INCLUDE = "reasoning.encrypted_content";

/** Top-level fields with a canonical home; everything else is kept in `extensions`. */
const MAPPED_FIELDS: ReadonlySet<string> = new Set([
  "model",
  "instructions",
  "input",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning",
  "text",
  "max_output_tokens",
  "temperature",
  "top_p",
  "stream",
  "store",
  "previous_response_id",
  "prompt_cache_key",
  "user",
  "include",
]);
const REASONING_MAPPED: ReadonlySet<string> = new Set(["effort"]);
const TEXT_MAPPED: ReadonlySet<string> = new Set(["format"]);

function decodeReasoning(reasoning: NonNullable<WireRequest["reasoning"]>): ReasoningConfig | undefined {
  const effort = reasoning.effort ?? undefined;
  const wantsSummary =
    typeof reasoning.summary === "string" || typeof reasoning.generate_summary === "string";
  if (effort === "none") return { enabled: false, effort: "none" };
  if (effort === undefined && !wantsSummary) return undefined;
  const config: ReasoningConfig = { enabled: true };
  if (effort !== undefined) config.effort = effort;
  if (wantsSummary) config.includeThoughts = true;
  return config;
}

function decodeOutputFormat(format: JsonObject, warnings: Warning[]): OutputFormat | undefined {
  const type = stringAt(format, "type");
  if (type === "text") return { type: "text" };
  if (type === "json_object") return { type: "json-object" };
  if (type === "json_schema") {
    const wire = parseAt(jsonSchemaFormatSchema, format, "text.format");
    const output: OutputFormat = { type: "json-schema", schema: wire.schema };
    if (typeof wire.name === "string") output.name = wire.name;
    if (typeof wire.description === "string") output.description = wire.description;
    if (typeof wire.strict === "boolean") output.strict = wire.strict;
    return output;
  }
  warnings.push({
    code: "output_format_dropped",
    message: `text.format of type ${type} is not supported; dropped`,
  });
  return undefined;
}

/** Fields with no canonical home, and the unmapped rest of `reasoning`, `text` and `include`. */
function collectExtensions(body: JsonObject, wire: WireRequest): JsonObject | undefined {
  const extensions = omitKeys(body, MAPPED_FIELDS) ?? {};
  const reasoning = isJsonObject(body.reasoning) ? omitKeys(body.reasoning, REASONING_MAPPED) : undefined;
  if (reasoning !== undefined) extensions.reasoning = reasoning;
  const text = isJsonObject(body.text) ? omitKeys(body.text, TEXT_MAPPED) : undefined;
  if (text !== undefined) extensions.text = text;
  const include = (wire.include ?? []).filter((entry) => entry !== ENCRYPTED_REASONING_INCLUDE);
  if (include.length > 0) extensions.include = include;
  return Object.keys(extensions).length > 0 ? extensions : undefined;
}

/** A client's Responses request (POST /v1/responses) as a canonical request. */
export function decodeResponsesRequest(body: unknown): DecodedRequest {
  if (!isJsonObject(body)) throw new LlmuxError("invalid_request", "body: expected a JSON object");
  const wire = parseAt(requestSchema, body, "");
  const warnings: Warning[] = [];
  const { system, messages } = decodeInput(wire.instructions, wire.input, warnings);
  const request: CanonicalRequest = {
    model: wire.model,
    system,
    messages,
    tools: decodeTools(wire.tools ?? []),
    sampling: {},
    stream: wire.stream === true,
    metadata: {},
    extensions: {},
  };
  if (wire.tool_choice !== undefined && wire.tool_choice !== null) {
    const choice = decodeToolChoice(wire.tool_choice, warnings);
    if (choice !== undefined) request.toolChoice = choice;
  }
  if (typeof wire.parallel_tool_calls === "boolean") request.parallelToolCalls = wire.parallel_tool_calls;
  const reasoning = wire.reasoning ? decodeReasoning(wire.reasoning) : undefined;
  if (reasoning !== undefined) request.reasoning = reasoning;
  const format = wire.text?.format;
  if (format !== undefined && format !== null) {
    const output = decodeOutputFormat(format, warnings);
    if (output !== undefined) request.output = output;
  }
  if (typeof wire.max_output_tokens === "number") request.sampling.maxOutputTokens = wire.max_output_tokens;
  if (typeof wire.temperature === "number") request.sampling.temperature = wire.temperature;
  if (typeof wire.top_p === "number") request.sampling.topP = wire.top_p;
  if (typeof wire.store === "boolean") request.store = wire.store;
  if (typeof wire.previous_response_id === "string") request.previousResponseId = wire.previous_response_id;
  if (typeof wire.prompt_cache_key === "string") request.metadata.sessionId = wire.prompt_cache_key;
  if (typeof wire.user === "string") request.metadata.user = wire.user;
  const extensions = collectExtensions(body, wire);
  if (extensions !== undefined) request.extensions["openai-responses"] = extensions;
  return { request, warnings };
}
