import { safeParseJson } from "../json/safe-parse.js";
import type { StreamEvent } from "../model/events.js";
import { isJsonObject, type JsonObject } from "../model/json.js";
import type { OutputPart } from "../model/parts.js";
import type { ToolDefinition } from "../model/request.js";

/**
 * Free-form (`custom`) tools, such as Codex's `apply_patch` with its lark grammar, toward
 * upstreams that only have function tools (Anthropic, Gemini): the tool is offered as a function
 * taking one string field, `input`, whose description carries the grammar; the model's call
 * `{"input": "..."}` goes back to the client as a custom call with that text as its input.
 */

export type CustomTool = Extract<ToolDefinition, { kind: "custom" }>;

/** The one string field a custom tool's input travels in (also how history calls are sent). */
export const CUSTOM_INPUT_FIELD = "input";

function grammarNote(format: JsonObject | undefined): string | undefined {
  if (format === undefined || format.type !== "grammar") return undefined;
  const definition = typeof format.definition === "string" ? format.definition.trim() : "";
  if (definition === "") return undefined;
  const syntax = typeof format.syntax === "string" ? format.syntax : "grammar";
  return `The input must match this ${syntax} grammar:\n${definition}`;
}

/** The function a custom tool is offered as: same name, one required string field `input`. */
export function customToolAsFunction(tool: CustomTool): {
  name: string;
  description: string;
  parameters: JsonObject;
} {
  const notes = [
    tool.description ?? "",
    `Free-form tool: pass the whole input as plain text in the \`${CUSTOM_INPUT_FIELD}\` string (not JSON).`,
    grammarNote(tool.format) ?? "",
  ].filter((note) => note.trim() !== "");
  return {
    name: tool.name,
    description: notes.join("\n\n"),
    parameters: {
      type: "object",
      properties: { [CUSTOM_INPUT_FIELD]: { type: "string", description: "The tool's free-form input." } },
      required: [CUSTOM_INPUT_FIELD],
      additionalProperties: false,
    },
  };
}

/** The free-form input in a function call's JSON arguments: `{"input": text}` -> text; anything else as is. */
export function customToolInput(argumentsText: string): string {
  const parsed = safeParseJson(argumentsText);
  if (parsed.ok && isJsonObject(parsed.value)) {
    const input = parsed.value[CUSTOM_INPUT_FIELD];
    if (typeof input === "string") return input;
    const values = Object.values(parsed.value);
    if (values.length === 1 && typeof values[0] === "string") return values[0];
  }
  return argumentsText;
}

/** Names of a request's custom tools (what a client encoder needs to restore their calls). */
export function customToolNames(tools: readonly ToolDefinition[]): string[] {
  return tools.filter((tool) => tool.kind === "custom").map((tool) => tool.name);
}

/** A whole response's calls to the named custom tools that came back as function calls, as custom calls. */
export function restoreCustomCalls(content: OutputPart[], names: readonly string[]): OutputPart[] {
  if (names.length === 0) return content;
  return content.map((part) =>
    part.type === "tool-call" && part.kind !== "custom" && names.includes(part.name)
      ? { ...part, kind: "custom", arguments: customToolInput(part.arguments) }
      : part,
  );
}

/**
 * The same for a stream: a call to a named custom tool that starts as a function call is
 * re-announced as custom, its JSON argument fragments are held, and at its end the free-form
 * input goes out as one delta. Every other event passes straight through.
 */
export function createCustomCallRestorer(
  names: readonly string[],
  emit: (event: StreamEvent) => void,
): (event: StreamEvent) => void {
  const held = new Map<number, string>();
  return (event) => {
    switch (event.type) {
      case "tool-call-start":
        if (event.kind !== "custom" && names.includes(event.name)) {
          held.set(event.index, "");
          emit({ ...event, kind: "custom" });
          return;
        }
        break;
      case "tool-call-delta": {
        const buffer = held.get(event.index);
        if (buffer !== undefined) {
          held.set(event.index, buffer + event.arguments);
          return;
        }
        break;
      }
      case "tool-call-end": {
        const buffer = held.get(event.index);
        if (buffer !== undefined) {
          held.delete(event.index);
          const input = customToolInput(buffer);
          if (input !== "") emit({ type: "tool-call-delta", index: event.index, arguments: input });
        }
        break;
      }
      default:
        break;
    }
    emit(event);
  };
}
