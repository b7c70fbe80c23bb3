import type { JsonObject } from "../../model/json.js";
import { assertNever } from "../../model/protocol.js";
import type { ToolChoice, ToolDefinition } from "../../model/request.js";
import type { Warning } from "../../model/warnings.js";
import { parseAt } from "../shared/validate.js";
import {
  allowedToolsChoiceSchema,
  customToolSchema,
  functionToolSchema,
  namedChoiceSchema,
} from "./schema.js";
import { stringAt } from "./wire.js";

const EMPTY_PARAMETERS: JsonObject = { type: "object", properties: {} };

/** Client tool definitions: function, custom (free-form/grammar) and hosted tools (kept whole). */
export function decodeTools(tools: readonly JsonObject[]): ToolDefinition[] {
  return tools.map((tool, position) => {
    const path = `tools[${position}]`;
    const type = stringAt(tool, "type") ?? "";
    if (type === "function") {
      const wire = parseAt(functionToolSchema, tool, path);
      const definition: ToolDefinition = {
        kind: "function",
        name: wire.name,
        parameters: wire.parameters ?? { ...EMPTY_PARAMETERS },
      };
      if (typeof wire.description === "string") definition.description = wire.description;
      if (typeof wire.strict === "boolean") definition.strict = wire.strict;
      if (wire.defer_loading === true) definition.deferLoading = true;
      return definition;
    }
    if (type === "custom") {
      const wire = parseAt(customToolSchema, tool, path);
      const definition: ToolDefinition = { kind: "custom", name: wire.name };
      if (typeof wire.description === "string") definition.description = wire.description;
      if (wire.format !== undefined && wire.format !== null) definition.format = wire.format;
      return definition;
    }
    return {
      kind: "server",
      name: stringAt(tool, "name") ?? type,
      type,
      protocol: "openai-responses",
      config: tool,
    };
  });
}

/**
 * Tools for a Responses upstream. `strict` is always explicit: Responses treats a missing
 * `strict` as true and would reject the loose schemas other protocols' clients send.
 */
export function encodeTools(tools: readonly ToolDefinition[], warnings: Warning[]): JsonObject[] {
  const hasToolSearch = tools.some((tool) => tool.kind === "server" && tool.type === "tool_search");
  const encoded: JsonObject[] = [];
  for (const tool of tools) {
    switch (tool.kind) {
      case "function": {
        const wire: JsonObject = { type: "function", name: tool.name };
        if (tool.description !== undefined) wire.description = tool.description;
        wire.parameters = tool.parameters;
        wire.strict = tool.strict ?? false;
        if (tool.deferLoading === true) {
          if (hasToolSearch) wire.defer_loading = true;
          else
            warnings.push({
              code: "tool_defer_loading_dropped",
              message: `tool ${tool.name}: defer_loading needs a tool_search tool; sent as a regular tool`,
            });
        }
        encoded.push(wire);
        break;
      }
      case "custom": {
        const wire: JsonObject = { type: "custom", name: tool.name };
        if (tool.description !== undefined) wire.description = tool.description;
        if (tool.format !== undefined) wire.format = tool.format;
        encoded.push(wire);
        break;
      }
      case "server":
        if (tool.protocol === "openai-responses") encoded.push(tool.config);
        else
          warnings.push({
            code: "server_tool_dropped",
            message: `server tool ${tool.name} (${tool.type}) of ${tool.protocol} has no Responses equivalent; dropped`,
          });
        break;
      default:
        assertNever(tool, "tool definition");
    }
  }
  return encoded;
}

export function decodeToolChoice(choice: string | JsonObject, warnings: Warning[]): ToolChoice | undefined {
  if (choice === "auto" || choice === "none" || choice === "required") return { type: choice };
  if (typeof choice === "string") return undefined;
  const type = stringAt(choice, "type") ?? "";
  if (type === "function" || type === "custom") {
    return { type: "tool", name: parseAt(namedChoiceSchema, choice, "tool_choice").name };
  }
  if (type === "allowed_tools") {
    const wire = parseAt(allowedToolsChoiceSchema, choice, "tool_choice");
    warnings.push({
      code: "tool_choice_allowed_tools",
      message: "tool_choice allowed_tools: the allowed subset is not carried; every tool stays available",
    });
    return { type: wire.mode };
  }
  if (type === "mcp") {
    warnings.push({ code: "tool_choice_dropped", message: "tool_choice of type mcp is not carried" });
    return undefined;
  }
  // A hosted tool (`{type: "web_search"}`) is chosen by its type, which is also its canonical name.
  return { type: "tool", name: type };
}

export function encodeToolChoice(choice: ToolChoice, tools: readonly ToolDefinition[]): string | JsonObject {
  switch (choice.type) {
    case "auto":
    case "none":
    case "required":
      return choice.type;
    case "tool": {
      const tool = tools.find((candidate) => candidate.name === choice.name);
      if (tool?.kind === "custom") return { type: "custom", name: choice.name };
      if (tool?.kind === "server" && tool.protocol === "openai-responses") return { type: tool.type };
      return { type: "function", name: choice.name };
    }
    default:
      return assertNever(choice, "tool choice");
  }
}
