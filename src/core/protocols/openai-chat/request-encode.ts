import type { JsonObject } from "../../model/json.js";
import { assertNever, type CoreContext, PROTOCOLS } from "../../model/protocol.js";
import { effortForBudget } from "../../model/reasoning.js";
import type { CanonicalRequest, OutputFormat, ReasoningEffort, ToolDefinition } from "../../model/request.js";
import type { Warning } from "../../model/warnings.js";
import type { EncodedRequest, UpstreamTarget } from "../adapter.js";
import { systemForNonAnthropic } from "../shared/system-prompt.js";
import {
  acceptsSamplingWithoutReasoning,
  isOpenAiReasoningModel,
  rejectsReasoningEffort,
} from "./model-rules.js";
import { encodeChatMessages } from "./request-messages-encode.js";
import { warnOnce } from "./warnings.js";

type ChatEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh";

function encodeTools(tools: readonly ToolDefinition[], warnings: Warning[]): JsonObject[] {
  const encoded: JsonObject[] = [];
  const dropped: string[] = [];
  for (const tool of tools) {
    switch (tool.kind) {
      case "function": {
        const fn: JsonObject = { name: tool.name };
        if (tool.description !== undefined) fn.description = tool.description;
        fn.parameters = tool.parameters;
        if (tool.strict !== undefined) fn.strict = tool.strict;
        if (tool.deferLoading === true) {
          warnOnce(
            warnings,
            "defer_loading_dropped",
            "defer_loading has no Chat equivalent; tools are sent eagerly",
          );
        }
        encoded.push({ type: "function", function: fn });
        break;
      }
      case "custom": {
        const custom: JsonObject = { name: tool.name };
        if (tool.description !== undefined) custom.description = tool.description;
        if (tool.format !== undefined) custom.format = tool.format;
        encoded.push({ type: "custom", custom });
        break;
      }
      case "server":
        dropped.push(`${tool.name} (${tool.type})`);
        break;
      default:
        assertNever(tool, "tool definition");
    }
  }
  if (dropped.length > 0) {
    warnOnce(
      warnings,
      "server_tool_dropped",
      `server tools cannot run at a Chat upstream: ${dropped.join(", ")}`,
    );
  }
  return encoded;
}

function encodeToolChoice(request: CanonicalRequest, body: JsonObject, warnings: Warning[]): void {
  const choice = request.toolChoice;
  if (choice === undefined) return;
  const hasTools = Array.isArray(body.tools);
  switch (choice.type) {
    case "auto":
    case "none":
      if (hasTools) body.tool_choice = choice.type;
      return;
    case "required":
      if (hasTools) body.tool_choice = "required";
      else warnOnce(warnings, "tool_choice_dropped", "tool_choice required without any tool Chat can call");
      return;
    case "tool": {
      const tool = request.tools.find((candidate) => candidate.name === choice.name);
      if (tool === undefined || tool.kind === "server" || !hasTools) {
        warnOnce(warnings, "tool_choice_dropped", `tool_choice names ${choice.name}, which Chat cannot call`);
        return;
      }
      body.tool_choice =
        tool.kind === "custom"
          ? { type: "custom", custom: { name: choice.name } }
          : { type: "function", function: { name: choice.name } };
      return;
    }
    default:
      assertNever(choice, "tool choice");
  }
}

function encodeOutputFormat(output: OutputFormat): JsonObject {
  switch (output.type) {
    case "text":
      return { type: "text" };
    case "json-object":
      return { type: "json_object" };
    case "json-schema": {
      const spec: JsonObject = { name: output.name ?? "response" };
      if (output.description !== undefined) spec.description = output.description;
      spec.schema = output.schema;
      if (output.strict !== undefined) spec.strict = output.strict;
      return { type: "json_schema", json_schema: spec };
    }
    default:
      return assertNever(output, "output format");
  }
}

function chatEffort(effort: ReasoningEffort, warnings: Warning[]): ChatEffort {
  if (effort !== "max") return effort;
  warnOnce(
    warnings,
    "reasoning_effort_clamped",
    'reasoning effort "max" is sent as "xhigh", the highest Chat level',
  );
  return "xhigh";
}

/** Canonical reasoning -> `reasoning_effort` (budgets through the shared table), or nothing. */
function encodeReasoning(
  request: CanonicalRequest,
  model: string,
  warnings: Warning[],
): ChatEffort | undefined {
  const reasoning = request.reasoning;
  if (reasoning === undefined) return undefined;
  if (!reasoning.enabled) {
    if (reasoning.effort === "none" || acceptsSamplingWithoutReasoning(model)) return "none";
    if (isOpenAiReasoningModel(model)) {
      warnOnce(warnings, "reasoning_not_disabled", `${model} always reasons; it cannot be switched off`);
    }
    return undefined;
  }
  let effort = reasoning.effort;
  if (effort === undefined && reasoning.budgetTokens !== undefined)
    effort = effortForBudget(reasoning.budgetTokens);
  if (effort === undefined || effort === "none") return undefined;
  return chatEffort(effort, warnings);
}

function encodeSampling(request: CanonicalRequest, body: JsonObject, warnings: Warning[]): void {
  const sampling = request.sampling;
  const reasoningModel = isOpenAiReasoningModel(String(body.model));
  const restricted =
    reasoningModel &&
    !(body.reasoning_effort === "none" && acceptsSamplingWithoutReasoning(String(body.model)));
  if (sampling.maxOutputTokens !== undefined) {
    body[reasoningModel ? "max_completion_tokens" : "max_tokens"] = sampling.maxOutputTokens;
  }
  const dropped: string[] = [];
  const put = (key: string, value: number | string[] | undefined): void => {
    if (value === undefined) return;
    if (restricted) dropped.push(key);
    else body[key] = value;
  };
  put("temperature", sampling.temperature);
  put("top_p", sampling.topP);
  put("frequency_penalty", sampling.frequencyPenalty);
  put("presence_penalty", sampling.presencePenalty);
  put("stop", sampling.stop);
  if (dropped.length > 0) {
    warnOnce(
      warnings,
      "sampling_dropped",
      `${String(body.model)} is a reasoning model; dropped ${dropped.join(", ")}`,
    );
  }
  if (sampling.seed !== undefined) body.seed = sampling.seed;
  if (sampling.candidateCount !== undefined) body.n = sampling.candidateCount;
  if (sampling.topK !== undefined) warnOnce(warnings, "top_k_dropped", "Chat Completions has no top_k");
}

/** Same-protocol fields go back on the body; another protocol's have no Chat home and are named in a warning. */
function applyExtensions(request: CanonicalRequest, body: JsonObject, warnings: Warning[]): void {
  for (const protocol of PROTOCOLS) {
    const extensions = request.extensions[protocol];
    if (extensions === undefined) continue;
    if (protocol === "openai-chat") {
      for (const [key, value] of Object.entries(extensions)) if (!(key in body)) body[key] = value;
      continue;
    }
    const keys = Object.keys(extensions);
    if (keys.length > 0) {
      warnings.push({
        code: "extensions_dropped",
        message: `${protocol} fields with no Chat equivalent were not sent: ${keys.join(", ")}`,
      });
    }
  }
}

/** Canonical -> a Chat Completions upstream request body. */
export function encodeChatRequest(
  request: CanonicalRequest,
  target: UpstreamTarget,
  _context: CoreContext,
): EncodedRequest {
  const warnings: Warning[] = [];
  const body: JsonObject = {
    model: target.model,
    messages: encodeChatMessages(systemForNonAnthropic(request.system), request.messages, warnings),
  };
  const tools = encodeTools(request.tools, warnings);
  if (tools.length > 0) body.tools = tools;
  encodeToolChoice(request, body, warnings);
  if (request.parallelToolCalls !== undefined && tools.length > 0) {
    body.parallel_tool_calls = request.parallelToolCalls;
  }
  const effort = encodeReasoning(request, target.model, warnings);
  if (effort !== undefined) {
    if (!rejectsReasoningEffort(target.model)) body.reasoning_effort = effort;
    else if (effort !== "none") {
      warnOnce(warnings, "reasoning_dropped", `${target.model} does not take reasoning_effort`);
    }
  }
  encodeSampling(request, body, warnings);
  if (request.output !== undefined) body.response_format = encodeOutputFormat(request.output);
  if (request.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  if (request.metadata.user !== undefined) body.user = request.metadata.user;
  if (request.metadata.sessionId !== undefined) body.prompt_cache_key = request.metadata.sessionId;
  if (request.previousResponseId !== undefined) {
    warnOnce(
      warnings,
      "previous_response_id_dropped",
      "Chat Completions cannot chain onto a stored response",
    );
  }
  applyExtensions(request, body, warnings);
  return { body, warnings };
}
