import type { JsonObject } from "../../model/json.js";
import type { Message, TextPart } from "../../model/parts.js";
import type { Warning } from "../../model/warnings.js";
import { parseAt } from "../shared/validate.js";
import { decodeContent, decodeToolOutput, keepText } from "./content-decode.js";
import { reasoningTexts, thinkingPartsOf } from "./reasoning-items.js";
import {
  customToolCallItemSchema,
  functionCallItemSchema,
  messageItemSchema,
  reasoningItemSchema,
  toolOutputItemSchema,
} from "./schema.js";
import { stringAt } from "./wire.js";

/** Where a message item's `phase` (commentary / final_answer) is kept on a canonical message. */
export const PHASE_EXTENSION = "openai-responses";

export interface DecodedInput {
  system: TextPart[];
  messages: Message[];
}

function phaseOf(message: Message | undefined): string | undefined {
  const extension = message?.extensions?.[PHASE_EXTENSION];
  return typeof extension === "object" && extension !== null && !Array.isArray(extension)
    ? stringAt(extension, "phase")
    : undefined;
}

/**
 * Input items as canonical messages. A leading run of system/developer messages (after
 * `instructions`) becomes the system prompt; later ones stay in place. Consecutive
 * assistant-side items (messages, reasoning, function and custom tool calls) form one assistant
 * message; consecutive tool outputs form one tool message.
 */
export function decodeInput(
  instructions: string | readonly JsonObject[] | null | undefined,
  input: string | readonly JsonObject[] | null | undefined,
  warnings: Warning[],
): DecodedInput {
  const system: TextPart[] = [];
  const messages: Message[] = [];
  const callNames = new Map<string, string>();
  let assistant: Message | undefined;
  let tool: Message | undefined;
  let leading = true;

  const flush = (): void => {
    assistant = undefined;
    tool = undefined;
  };
  const assistantMessage = (phase?: string): Message => {
    const current = phaseOf(assistant);
    if (assistant !== undefined && (phase === undefined || current === undefined || current === phase)) {
      if (phase !== undefined && current === undefined)
        assistant.extensions = { [PHASE_EXTENSION]: { phase } };
      return assistant;
    }
    flush();
    assistant = { role: "assistant", content: [] };
    if (phase !== undefined) assistant.extensions = { [PHASE_EXTENSION]: { phase } };
    messages.push(assistant);
    return assistant;
  };
  const toolMessage = (): Message => {
    if (tool !== undefined) return tool;
    flush();
    tool = { role: "tool", content: [] };
    messages.push(tool);
    return tool;
  };

  if (typeof instructions === "string") {
    if (instructions !== "") system.push({ type: "text", text: instructions });
  } else if (instructions) {
    instructions.forEach((item, position) => {
      const path = `instructions[${position}]`;
      const wire = parseAt(messageItemSchema, item, path);
      system.push(...keepText(decodeContent(wire.content, `${path}.content`, warnings), path, warnings));
    });
  }

  if (typeof input === "string") {
    messages.push({ role: "user", content: [{ type: "text", text: input }] });
    return { system, messages };
  }

  (input ?? []).forEach((item, position) => {
    const path = `input[${position}]`;
    const type = stringAt(item, "type") ?? (item.role !== undefined ? "message" : undefined);
    switch (type) {
      case "message": {
        const wire = parseAt(messageItemSchema, item, path);
        const content = decodeContent(wire.content, `${path}.content`, warnings);
        if (wire.role === "system" || wire.role === "developer") {
          if (leading) {
            system.push(...keepText(content, path, warnings));
            return;
          }
          flush();
          messages.push({ role: wire.role, content });
          return;
        }
        leading = false;
        if (wire.role === "assistant") {
          const phase = typeof wire.phase === "string" ? wire.phase : undefined;
          assistantMessage(phase).content.push(...content);
          return;
        }
        flush();
        messages.push({ role: "user", content });
        return;
      }
      case "function_call": {
        leading = false;
        const wire = parseAt(functionCallItemSchema, item, path);
        callNames.set(wire.call_id, wire.name);
        assistantMessage().content.push({
          type: "tool-call",
          id: wire.call_id,
          name: wire.name,
          arguments: wire.arguments === "" ? "{}" : wire.arguments,
        });
        return;
      }
      case "custom_tool_call": {
        leading = false;
        const wire = parseAt(customToolCallItemSchema, item, path);
        callNames.set(wire.call_id, wire.name);
        assistantMessage().content.push({
          type: "tool-call",
          id: wire.call_id,
          name: wire.name,
          arguments: wire.input,
          kind: "custom",
        });
        return;
      }
      case "reasoning": {
        leading = false;
        const wire = parseAt(reasoningItemSchema, item, path);
        const itemId = typeof wire.id === "string" ? wire.id : undefined;
        const encrypted = typeof wire.encrypted_content === "string" ? wire.encrypted_content : undefined;
        const texts = reasoningTexts(wire.summary ?? [], wire.content ?? []);
        assistantMessage().content.push(...thinkingPartsOf(texts, itemId, encrypted));
        return;
      }
      case "function_call_output":
      case "custom_tool_call_output": {
        leading = false;
        const wire = parseAt(toolOutputItemSchema, item, path);
        const name = callNames.get(wire.call_id);
        toolMessage().content.push({
          type: "tool-result",
          callId: wire.call_id,
          ...(name !== undefined ? { name } : {}),
          content: decodeToolOutput(wire.output, `${path}.output`, warnings),
        });
        return;
      }
      case "additional_tools":
        // Codex sends the tools of models it knows nothing about (its own default, for a custom
        // provider) as namespaced tool groups in the input; their calls come back matched by
        // namespace, which no other protocol can carry. Dropped; a same-protocol passthrough keeps it.
        warnings.push({
          code: "additional_tools_dropped",
          message: `${path}: additional_tools (namespaced tools) cannot be offered by a converted request; dropped`,
        });
        return;
      case "item_reference":
        warnings.push({
          code: "item_reference_dropped",
          message: `${path}: item_reference needs the stored item; it is not resolved and was dropped`,
        });
        return;
      default:
        warnings.push({
          code: "input_item_dropped",
          message: `${path}: input item of type ${type ?? "(none)"} is not supported; dropped`,
        });
    }
  });
  return { system, messages };
}
