import type { JsonObject } from "../../model/json.js";
import { assertNever } from "../../model/protocol.js";
import { budgetForEffort } from "../../model/reasoning.js";
import type { CanonicalRequest, ReasoningEffort, ToolChoice, ToolDefinition } from "../../model/request.js";
import { customToolAsFunction } from "../../tools/custom-tools.js";
import { sanitizeSchemaForAnthropicOutput } from "../../tools/json-schema.js";
import type { EncodedRequest, UpstreamTarget } from "../adapter.js";
import { encodeCacheControl } from "./media.js";
import { encodeTurns, type Turn, turnsToWire } from "./message-encode.js";
import { WarningSink } from "./warnings.js";

/** `max_tokens` is required by Anthropic; this is sent when the client set no limit. */
export const DEFAULT_MAX_TOKENS = 8192;
/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024;
/** Room left for the answer above the thinking budget when the client set no limit. */
const ANSWER_ROOM = 4096;

function encodeSystem(request: CanonicalRequest): string | JsonObject[] | undefined {
  const parts = request.system.filter((part) => part.text.trim() !== "");
  if (parts.length === 0) return undefined;
  if (parts.length === 1 && parts[0]?.cacheControl === undefined) return parts[0]!.text;
  return parts.map((part) => {
    const block: JsonObject = { type: "text", text: part.text };
    if (part.cacheControl !== undefined) block.cache_control = encodeCacheControl(part.cacheControl);
    return block;
  });
}

/** A JSON schema Anthropic accepts as `input_schema` (it must describe an object). */
function inputSchema(parameters: JsonObject): JsonObject {
  return parameters.type === undefined ? { type: "object", ...parameters } : parameters;
}

function encodeTool(tool: ToolDefinition, warnings: WarningSink): JsonObject | undefined {
  switch (tool.kind) {
    case "function": {
      const wire: JsonObject = { name: tool.name, input_schema: inputSchema(tool.parameters) };
      if (tool.description !== undefined) wire.description = tool.description;
      if (tool.strict === true) wire.strict = true;
      if (tool.deferLoading === true) wire.defer_loading = true;
      return wire;
    }
    case "custom": {
      // Anthropic has no free-form tools: a function taking `{"input": text}` (core/tools).
      const asFunction = customToolAsFunction(tool);
      warnings.add(
        "custom_tool_as_function",
        `free-form tool ${tool.name} was offered to Anthropic as a function with one string field "input"; its grammar is only described`,
      );
      return {
        name: asFunction.name,
        input_schema: asFunction.parameters,
        description: asFunction.description,
      };
    }
    case "server":
      if (tool.protocol === "anthropic") return { ...tool.config, type: tool.type, name: tool.name };
      warnings.add(
        "tool_dropped",
        `${tool.protocol} server tool ${tool.name} cannot run on Anthropic; dropped`,
      );
      return undefined;
    default:
      return assertNever(tool, "tool");
  }
}

function encodeToolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
): JsonObject | undefined {
  let wire: JsonObject | undefined;
  switch (choice?.type) {
    case undefined:
      wire = parallel === false ? { type: "auto" } : undefined;
      break;
    case "auto":
      wire = { type: "auto" };
      break;
    case "none":
      return { type: "none" };
    case "required":
      wire = { type: "any" };
      break;
    case "tool":
      wire = { type: "tool", name: choice.name };
      break;
    default:
      return assertNever(choice, "tool choice");
  }
  if (wire !== undefined && parallel === false) wire.disable_parallel_tool_use = true;
  return wire;
}

/** Names of tools used in the history, for requests whose tool list ended up empty. */
function historyToolNames(turns: Turn[]): string[] {
  const names = new Set<string>();
  for (const turn of turns) {
    for (const block of turn.blocks) if (block.type === "tool_use") names.add(String(block.name));
  }
  return [...names];
}

function anthropicEffort(effort: ReasoningEffort): string {
  return effort === "minimal" ? "low" : effort;
}

/**
 * With thinking on, the last assistant turn of an unfinished tool loop must start with a thinking
 * block; a history converted from another protocol may have none, and Anthropic rejects it.
 */
function toolLoopLacksThinking(turns: Turn[]): boolean {
  for (let index = turns.length - 1; index >= 0; index--) {
    const turn = turns[index]!;
    if (turn.role === "assistant") {
      const hasToolUse = turn.blocks.some((block) => block.type === "tool_use");
      const first = turn.blocks[0]?.type;
      return hasToolUse && first !== "thinking" && first !== "redacted_thinking";
    }
    if (turn.blocks.some((block) => block.type !== "tool_result")) return false;
  }
  return false;
}

interface ThinkingPlan {
  thinking?: JsonObject;
  effort?: string;
  budget?: number;
}

function planThinking(request: CanonicalRequest, turns: Turn[], warnings: WarningSink): ThinkingPlan {
  const reasoning = request.reasoning;
  if (reasoning === undefined) return {};
  if (!reasoning.enabled || reasoning.effort === "none") return { thinking: { type: "disabled" } };
  const forced = request.toolChoice?.type === "required" || request.toolChoice?.type === "tool";
  if (forced || toolLoopLacksThinking(turns)) {
    warnings.add(
      "thinking_disabled",
      forced
        ? "Anthropic does not allow thinking with a forced tool choice; thinking was disabled"
        : "the history's last tool call carries no Anthropic thinking block; thinking was disabled",
    );
    return { thinking: { type: "disabled" } };
  }
  const plan: ThinkingPlan = {};
  if (reasoning.adaptive === true) {
    plan.thinking = { type: "adaptive" };
    if (reasoning.effort !== undefined) plan.effort = anthropicEffort(reasoning.effort);
  } else {
    let budget = reasoning.budgetTokens ?? budgetForEffort(reasoning.effort ?? "medium");
    if (budget < MIN_THINKING_BUDGET) {
      warnings.add("thinking_budget_raised", `thinking budget ${budget} raised to Anthropic's minimum 1024`);
      budget = MIN_THINKING_BUDGET;
    }
    const limit = request.sampling.maxOutputTokens;
    if (limit !== undefined && limit <= budget) {
      if (limit - 1 < MIN_THINKING_BUDGET) {
        warnings.add(
          "thinking_disabled",
          `max_tokens ${limit} leaves no room for thinking; thinking was disabled`,
        );
        return { thinking: { type: "disabled" } };
      }
      warnings.add(
        "thinking_budget_lowered",
        `thinking budget lowered to ${limit - 1} to stay below max_tokens`,
      );
      budget = limit - 1;
    }
    plan.thinking = { type: "enabled", budget_tokens: budget };
    plan.budget = budget;
    if (reasoning.effort !== undefined && reasoning.budgetTokens !== undefined) {
      plan.effort = anthropicEffort(reasoning.effort);
    }
  }
  if (reasoning.includeThoughts === false) plan.thinking.display = "omitted";
  return plan;
}

function encodeSampling(
  request: CanonicalRequest,
  body: JsonObject,
  thinking: boolean,
  warnings: WarningSink,
): void {
  const sampling = request.sampling;
  if (sampling.temperature !== undefined) {
    if (thinking && sampling.temperature !== 1) {
      warnings.add(
        "temperature_dropped",
        "Anthropic requires the default temperature with thinking; dropped",
      );
    } else if (sampling.temperature > 1) {
      warnings.add(
        "temperature_clamped",
        `temperature ${sampling.temperature} clamped to Anthropic's maximum 1`,
      );
      body.temperature = 1;
    } else {
      body.temperature = sampling.temperature;
    }
  }
  if (sampling.topP !== undefined) {
    if (thinking && sampling.topP < 0.95)
      warnings.add("top_p_dropped", "top_p below 0.95 is not allowed with thinking");
    else if (body.temperature !== undefined) {
      // Claude Sonnet 4.5 and Opus 4.1+ reject the pair; older models accept either alone.
      warnings.add(
        "top_p_dropped",
        "Anthropic models reject temperature and top_p together; temperature kept, top_p dropped",
      );
    } else body.top_p = sampling.topP;
  }
  if (sampling.topK !== undefined) {
    if (thinking) warnings.add("top_k_dropped", "top_k is not allowed with thinking; dropped");
    else body.top_k = sampling.topK;
  }
  const stops = (sampling.stop ?? []).filter((stop) => stop.trim() !== "");
  if (stops.length < (sampling.stop ?? []).length) {
    warnings.add("stop_dropped", "whitespace-only stop sequences are not accepted by Anthropic; dropped");
  }
  if (stops.length > 0) body.stop_sequences = stops;
  const unsupported: string[] = [];
  if (sampling.seed !== undefined) unsupported.push("seed");
  if (sampling.frequencyPenalty !== undefined) unsupported.push("frequency_penalty");
  if (sampling.presencePenalty !== undefined) unsupported.push("presence_penalty");
  if (sampling.candidateCount !== undefined && sampling.candidateCount > 1)
    unsupported.push("candidate count");
  for (const name of unsupported)
    warnings.add("parameter_dropped", `${name} is not supported by Anthropic; dropped`);
}

function encodeTools(
  request: CanonicalRequest,
  turns: Turn[],
  body: JsonObject,
  warnings: WarningSink,
): void {
  const tools: JsonObject[] = [];
  for (const tool of request.tools) {
    const wire = encodeTool(tool, warnings);
    if (wire !== undefined) tools.push(wire);
  }
  if (tools.length > 0) {
    body.tools = tools;
    const choice = encodeToolChoice(request.toolChoice, request.parallelToolCalls);
    if (choice !== undefined) body.tool_choice = choice;
    return;
  }
  if (request.toolChoice?.type === "required" || request.toolChoice?.type === "tool") {
    warnings.add(
      "tool_choice_dropped",
      "tool choice needs tools, and none can be sent to Anthropic; dropped",
    );
  }
  // Anthropic rejects tool_use blocks in a request without tools: declare them, but forbid calls.
  const used = historyToolNames(turns);
  if (used.length > 0) {
    body.tools = used.map((name) => ({ name, input_schema: { type: "object" } }));
    body.tool_choice = { type: "none" };
  }
}

export function encodeAnthropicRequest(request: CanonicalRequest, target: UpstreamTarget): EncodedRequest {
  const warnings = new WarningSink();
  const turns = encodeTurns(request.messages, warnings);
  const body: JsonObject = { model: target.model };
  const system = encodeSystem(request);
  if (system !== undefined) body.system = system;
  body.messages = turnsToWire(turns);

  const plan = planThinking(request, turns, warnings);
  const thinkingOn = plan.thinking !== undefined && plan.thinking.type !== "disabled";
  let maxTokens = request.sampling.maxOutputTokens ?? DEFAULT_MAX_TOKENS;
  if (plan.budget !== undefined && maxTokens <= plan.budget) maxTokens = plan.budget + ANSWER_ROOM;
  body.max_tokens = maxTokens;
  if (plan.thinking !== undefined) body.thinking = plan.thinking;
  encodeSampling(request, body, thinkingOn, warnings);
  encodeTools(request, turns, body, warnings);

  const outputConfig: JsonObject = {};
  if (thinkingOn && plan.effort !== undefined) outputConfig.effort = plan.effort;
  const output = request.output;
  if (output?.type === "json-schema") {
    const sanitized = sanitizeSchemaForAnthropicOutput(output.schema);
    if (sanitized.changes.length > 0) {
      warnings.add(
        "output_schema_sanitized",
        `structured output schema adapted to Anthropic (moved into descriptions or closed): ${sanitized.changes.join(", ")}`,
      );
    }
    outputConfig.format = { type: "json_schema", schema: sanitized.schema };
  } else if (output?.type === "json-object") {
    warnings.add("output_format_dropped", "JSON mode without a schema has no Anthropic equivalent; dropped");
  }
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;
  if (request.metadata.user !== undefined) body.metadata = { user_id: request.metadata.user };
  body.stream = request.stream;

  const extensions = request.extensions.anthropic;
  if (extensions !== undefined) {
    for (const [key, value] of Object.entries(extensions)) if (!(key in body)) body[key] = value;
  }
  return { body, warnings: warnings.list };
}
