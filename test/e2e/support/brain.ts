import { isJsonObject, type JsonObject, type JsonValue } from "../../../src/core/model/json.js";
import type { Protocol } from "../../../src/core/model/protocol.js";
import { argumentsForSchema } from "../../../src/mock/demo-arguments.js";
import { type DemoTool, readDemoRequest } from "../../../src/mock/demo-request.js";
import type { MockScript } from "../../../src/mock/script.js";
import type { MockRequestRecord } from "../../../src/mock/server.js";

/**
 * The model the agents talk to in the end-to-end suite: a mock upstream script that answers
 * whatever protocol llmux speaks to it, the way a real model would drive an agent.
 *
 * - a structured-output call (Gemini CLI's routing call) gets JSON that fits its schema;
 * - a prompt that names FILE_TASK gets signed reasoning, then a call to the agent's own
 *   file-writing or shell tool;
 * - a conversation that ends with that tool's result gets FINAL_ANSWER;
 * - anything else gets PLAIN_ANSWER.
 */

export const PLAIN_ANSWER = "The mock model says: llmux works.";
export const FINAL_ANSWER = "Done: the file is written.";
export const FILE_TASK = "create the llmux file";
export const FILE_NAME = "greeting.txt";
export const FILE_CONTENT = "hello from llmux";
/** The reasoning the mock issues before its tool call; it must come back on the next turn. */
export const REASONING_TEXT = "The user wants a file; I will write it with my tool.";
export const REASONING_SIGNATURE = "sig-llmux-e2e-7f3a9c";
export const REASONING_ENCRYPTED = "enc-llmux-e2e-51b2d8";

function objectAt(value: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

/** Gemini writes schema types in upper case; read them as JSON Schema. */
function lowerTypes(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(lowerTypes);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, entry] of Object.entries(value)) {
    out[key] = key === "type" && typeof entry === "string" ? entry.toLowerCase() : lowerTypes(entry);
  }
  return out;
}

/** The JSON schema the request asks the answer to follow, in any protocol. */
export function structuredOutputSchema(protocol: Protocol, body: JsonObject): JsonObject | undefined {
  switch (protocol) {
    case "gemini": {
      const config = objectAt(body.generationConfig);
      return objectAt(config?.responseJsonSchema) ?? objectAt(config?.responseSchema);
    }
    case "openai-chat": {
      const format = objectAt(body.response_format);
      return format?.type === "json_schema" ? objectAt(objectAt(format.json_schema)?.schema) : undefined;
    }
    case "openai-responses": {
      const format = objectAt(objectAt(body.text)?.format);
      return format?.type === "json_schema" ? objectAt(format.schema) : undefined;
    }
    case "anthropic": {
      const format = objectAt(objectAt(body.output_config)?.format) ?? objectAt(body.output_format);
      return format?.type === "json_schema" ? objectAt(format.schema) : undefined;
    }
  }
}

const absolute = (workDir: string) => `${workDir}/${FILE_NAME}`;

/** The tool call that writes the file, with the agent's own tool; undefined when none is offered. */
export function fileWritingCall(
  tools: readonly DemoTool[],
  workDir: string,
): { name: string; arguments: JsonObject } | undefined {
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  // Claude Code and Gemini CLI: a file-writing tool.
  for (const name of ["Write", "write_file"]) {
    if (byName.has(name)) return { name, arguments: { file_path: absolute(workDir), content: FILE_CONTENT } };
  }
  // Codex CLI: its shell tool.
  const command = `printf '%s' '${FILE_CONTENT}' > ${FILE_NAME}`;
  if (byName.has("exec_command"))
    return { name: "exec_command", arguments: { cmd: command, workdir: workDir } };
  if (byName.has("shell_command")) return { name: "shell_command", arguments: { command, workdir: workDir } };
  return undefined;
}

/** The script for one upstream request. */
export function agentBrain(workDir: string): (record: MockRequestRecord) => MockScript {
  return (record) => {
    const protocol = record.protocol ?? "openai-chat";
    const body = isJsonObject(record.body) ? record.body : {};
    const schema = structuredOutputSchema(protocol, body);
    if (schema !== undefined) {
      const value = argumentsForSchema(lowerTypes(schema) as JsonObject, "routing");
      return { steps: [{ type: "text", text: JSON.stringify(value) }] };
    }
    const request = readDemoRequest(protocol, body);
    if (request.toolResult !== undefined) return { steps: [{ type: "text", text: FINAL_ANSWER }] };
    // Agents add their own context around the prompt (and Claude Code a system turn after it): look at the whole request.
    if (record.rawBody.includes(FILE_TASK)) {
      const call = fileWritingCall(request.tools, workDir);
      if (call === undefined) {
        const offered = request.tools.map((tool) => tool.name).join(", ");
        return { steps: [{ type: "text", text: `no file-writing tool was offered (tools: ${offered})` }] };
      }
      return {
        steps: [
          {
            type: "thinking",
            text: REASONING_TEXT,
            signature: REASONING_SIGNATURE,
            encryptedContent: REASONING_ENCRYPTED,
          },
          // Gemini signs the call itself (its clients keep signatures only there); other protocols ignore this.
          {
            type: "tool-calls",
            calls: [{ name: call.name, arguments: call.arguments, signature: REASONING_SIGNATURE }],
          },
        ],
      };
    }
    return { steps: [{ type: "text", text: PLAIN_ANSWER }] };
  };
}
