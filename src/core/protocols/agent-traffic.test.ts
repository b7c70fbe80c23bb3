import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../model/events.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../model/json.js";
import type { CoreContext, Protocol } from "../model/protocol.js";
import type { CanonicalResponse } from "../model/response.js";
import { customToolNames } from "../tools/custom-tools.js";
import type { EncodedRequest } from "./adapter.js";
import { ADAPTERS } from "./registry.js";

/**
 * What real coding agents send (hand-made requests shaped like captures of Claude Code, Codex CLI
 * and Gemini CLI, see __fixtures__/agents), converted to every upstream protocol: what the
 * upstream receives must be something it accepts and that means what the agent meant.
 */

function context(): CoreContext {
  let counter = 0;
  return { newId: (prefix) => `${prefix}${++counter}`, now: () => 1_750_000_000_000 };
}

function fixture(name: string): JsonObject {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/agents/${name}`, import.meta.url), "utf8"));
}

const UPSTREAM_MODEL: Record<Protocol, string> = {
  "openai-chat": "gpt-5.5",
  "openai-responses": "gpt-5.5",
  anthropic: "claude-opus-5-5",
  gemini: "gemini-3.1-pro-preview",
};

function convert(
  from: Protocol,
  to: Protocol,
  body: JsonObject,
  model?: string,
): EncodedRequest & { codes: string[] } {
  const info = from === "gemini" ? { model: model ?? "gemini-3.1-pro-preview", stream: true } : {};
  const decoded = ADAPTERS[from].decodeRequest(structuredClone(body), info, context());
  const encoded = ADAPTERS[to].encodeRequest(decoded.request, { model: UPSTREAM_MODEL[to] }, context());
  const codes = [...decoded.warnings, ...encoded.warnings].map((warning) => warning.code);
  return { ...encoded, codes };
}

function objects(value: JsonValue | undefined): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

/** Every `type` in a schema, at any depth. */
function schemaTypes(schema: JsonValue): string[] {
  if (Array.isArray(schema)) return schema.flatMap(schemaTypes);
  if (!isJsonObject(schema)) return [];
  const own =
    typeof schema.type === "string"
      ? [schema.type]
      : Array.isArray(schema.type)
        ? schema.type.map(String)
        : [];
  return [
    ...own,
    ...Object.entries(schema).flatMap(([key, value]) => (key === "enum" ? [] : schemaTypes(value))),
  ];
}

const JSON_SCHEMA_TYPES = new Set(["object", "string", "integer", "number", "boolean", "array", "null"]);

describe("Gemini CLI", () => {
  const routing = fixture("gemini-cli-routing.json");
  const routingSchema = {
    type: "object",
    properties: {
      complexity_reasoning: { type: "string", description: "REASONING" },
      complexity_score: { type: "integer", description: "SCORE" },
    },
    required: ["complexity_reasoning", "complexity_score"],
  };

  it("its routing schema reaches OpenAI Chat and Responses as valid lower-case JSON Schema", () => {
    const chat = convert("gemini", "openai-chat", routing, "gemini-3.5-flash-lite").body;
    expect(chat.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "response", schema: routingSchema },
    });
    const responses = convert("gemini", "openai-responses", routing, "gemini-3.5-flash-lite").body;
    expect((responses.text as JsonObject).format).toEqual({
      type: "json_schema",
      name: "response",
      schema: routingSchema,
    });
  });

  it("its routing schema reaches Anthropic as a structured output Anthropic accepts (objects closed)", () => {
    const { body } = convert("gemini", "anthropic", routing, "gemini-3.5-flash-lite");
    expect(body.output_config).toMatchObject({
      format: { type: "json_schema", schema: { ...routingSchema, additionalProperties: false } },
    });
  });

  it("its upper-case function parameters reach OpenAI and Anthropic as valid JSON Schema", () => {
    const turn = fixture("gemini-cli-turn.json");
    const chatTools = objects(convert("gemini", "openai-chat", turn).body.tools);
    const writeFile = ((chatTools[0]?.function ?? {}) as JsonObject).parameters;
    expect(writeFile).toEqual({
      type: "object",
      properties: {
        file_path: { type: "string" },
        content: { type: "string" },
        mode: { type: ["string", "null"], enum: ["append", "overwrite", null] },
        lines: { type: "array", items: { type: "integer", format: "int32" }, minItems: 1 },
      },
      required: ["file_path", "content"],
    });
    const anthropicTools = objects(convert("gemini", "anthropic", turn).body.tools);
    for (const tool of anthropicTools) {
      for (const type of schemaTypes(tool.input_schema as JsonObject))
        expect(JSON_SCHEMA_TYPES).toContain(type);
    }
  });

  it("function calls without ids get the same ids on every turn, and each result pairs with its call", () => {
    const turn = fixture("gemini-cli-turn.json");
    const first = convert("gemini", "openai-chat", turn).body;
    const again = convert("gemini", "openai-chat", turn).body;
    expect(again.messages).toEqual(first.messages);
    const messages = objects(first.messages);
    const calls = objects(messages.find((message) => message.role === "assistant")?.tool_calls);
    const results = messages.filter((message) => message.role === "tool");
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    expect(results.map((result) => result.tool_call_id)).toEqual(calls.map((call) => call.id));

    const anthropic = objects(convert("gemini", "anthropic", turn).body.messages);
    const uses = objects(anthropic[1]?.content).map((block) => block.id);
    const answered = objects(anthropic[2]?.content).map((block) => block.tool_use_id);
    expect(answered).toEqual(uses);
    expect(uses).toEqual(calls.map((call) => call.id));
  });
});

describe("Claude Code", () => {
  const claude = fixture("claude-code.json");

  it("its billing header block reaches only Anthropic", () => {
    const chat = objects(convert("anthropic", "openai-chat", claude).body.messages);
    expect(chat[0]).toEqual({ role: "system", content: "SYSTEM PROMPT" });
    expect(convert("anthropic", "openai-responses", claude).body.instructions).toBe("SYSTEM PROMPT");
    expect(convert("anthropic", "gemini", claude).body.systemInstruction).toEqual({
      parts: [{ text: "SYSTEM PROMPT" }],
    });
    const anthropic = convert("anthropic", "anthropic", claude).body;
    expect(JSON.stringify(anthropic.system)).toContain("x-anthropic-billing-header");
  });

  it("a system message in the middle stays in place: Chat system, Responses developer, Gemini marked user text", () => {
    const chat = objects(convert("anthropic", "openai-chat", claude).body.messages);
    expect(chat.map((message) => message.role)).toEqual(["system", "user", "system", "assistant", "tool"]);
    expect(chat[2]?.content).toBe("ENVIRONMENT NOTE");
    const responses = objects(convert("anthropic", "openai-responses", claude).body.input);
    expect(responses[1]).toEqual({
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: "ENVIRONMENT NOTE" }],
    });
    const gemini = convert("anthropic", "gemini", claude);
    expect(objects(gemini.body.contents)[1]).toEqual({
      role: "user",
      parts: [{ text: "System: ENVIRONMENT NOTE" }],
    });
    expect(gemini.codes).toContain("gemini_system_message_as_user");
  });

  it("adaptive thinking with an effort becomes each upstream's reasoning effort; context_management stays Anthropic's", () => {
    const chat = convert("anthropic", "openai-chat", claude).body;
    expect(chat.reasoning_effort).toBe("medium");
    expect(chat.context_management).toBeUndefined();
    const responses = convert("anthropic", "openai-responses", claude).body;
    expect(responses.reasoning).toEqual({ effort: "medium" });
    expect(responses.context_management).toBeUndefined();
    const gemini = convert("anthropic", "gemini", claude).body;
    expect((gemini.generationConfig as JsonObject).thinkingConfig).toEqual({
      thinkingLevel: "MEDIUM",
      includeThoughts: false,
    });
    expect(gemini.context_management).toBeUndefined();
  });

  it("deferred tools and the ToolSearch tool are sent as normal tools; the session id keys the prompt cache", () => {
    const chat = convert("anthropic", "openai-chat", claude).body;
    expect(objects(chat.tools).map((tool) => (tool.function as JsonObject).name)).toEqual([
      "Write",
      "ToolSearch",
      "DeferredToolPlaceholder",
    ]);
    expect(chat.prompt_cache_key).toBe("SESSION");
    const gemini = convert("anthropic", "gemini", claude).body;
    const declarations = objects(objects(gemini.tools)[0]?.functionDeclarations);
    expect(declarations.map((declaration) => declaration.name)).toEqual([
      "Write",
      "ToolSearch",
      "DeferredToolPlaceholder",
    ]);
  });
});

describe("Codex CLI", () => {
  const codex = fixture("codex.json");

  it("apply_patch stays a custom tool for Chat and becomes a one-string function with its grammar for Anthropic and Gemini", () => {
    const chat = objects(convert("openai-responses", "openai-chat", codex).body.tools);
    expect(chat[1]).toEqual({
      type: "custom",
      custom: {
        name: "apply_patch",
        description: "PATCH",
        format: { type: "grammar", syntax: "lark", definition: "start: begin_patch hunk+ end_patch" },
      },
    });
    const anthropic = convert("openai-responses", "anthropic", codex);
    const patch = objects(anthropic.body.tools).find((tool) => tool.name === "apply_patch");
    expect(patch?.input_schema).toMatchObject({
      properties: { input: { type: "string" } },
      required: ["input"],
    });
    expect(patch?.description).toContain("start: begin_patch hunk+ end_patch");
    expect(anthropic.codes).toContain("custom_tool_as_function");
    const gemini = objects(
      objects(convert("openai-responses", "gemini", codex).body.tools)[0]?.functionDeclarations,
    );
    expect(gemini.map((declaration) => declaration.name)).toEqual(["exec_command", "apply_patch"]);
  });

  it("a replayed apply_patch call and its output reach Anthropic and Gemini as a call with {input} and its matching result", () => {
    const anthropic = objects(convert("openai-responses", "anthropic", codex).body.messages);
    expect(anthropic[1]?.content).toEqual([
      {
        type: "tool_use",
        id: "call_patch",
        name: "apply_patch",
        input: { input: "*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch\n" },
      },
    ]);
    expect(objects(anthropic[2]?.content)[0]).toMatchObject({
      type: "tool_result",
      tool_use_id: "call_patch",
    });
    const gemini = objects(convert("openai-responses", "gemini", codex).body.contents);
    expect(objects(gemini[2]?.parts)[0]).toEqual({
      functionResponse: {
        id: "call_patch",
        name: "apply_patch",
        response: { output: "Success. A hello.txt" },
      },
    });
  });

  it("tool_search and web_search are kept for Responses and dropped with a warning elsewhere", () => {
    const responses = convert("openai-responses", "openai-responses", codex);
    expect(objects(responses.body.tools).map((tool) => tool.type)).toEqual([
      "function",
      "custom",
      "tool_search",
      "web_search",
    ]);
    for (const to of ["openai-chat", "anthropic", "gemini"] as const) {
      const { body, codes } = convert("openai-responses", to, codex);
      const text = JSON.stringify(body.tools);
      expect(text).not.toContain("web_search");
      expect(text).not.toContain("tool_search");
      expect(text).not.toContain("googleSearch");
      expect(codes.some((code) => /server_tool_dropped|tool_dropped/.test(code))).toBe(true);
    }
  });

  it("encrypted reasoning without content goes back to Responses unchanged and nowhere else", () => {
    const responses = objects(convert("openai-responses", "openai-responses", codex).body.input);
    expect(responses.find((item) => item.type === "reasoning")).toEqual({
      type: "reasoning",
      id: "rs_1",
      summary: [],
      encrypted_content: "ENCRYPTED-1",
    });
    for (const to of ["openai-chat", "anthropic", "gemini"] as const) {
      expect(JSON.stringify(convert("openai-responses", to, codex).body)).not.toContain("ENCRYPTED-1");
    }
  });

  it("include, prompt_cache_key, client_metadata, text.verbosity and reasoning.context are kept for Responses only", () => {
    const responses = convert("openai-responses", "openai-responses", codex).body;
    expect(responses).toMatchObject({
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "SESSION",
      client_metadata: { session_id: "SESSION", turn_id: "TURN" },
      text: { verbosity: "low" },
      reasoning: { effort: "medium", context: "all_turns" },
    });
    for (const to of ["openai-chat", "anthropic", "gemini"] as const) {
      const text = JSON.stringify(convert("openai-responses", to, codex).body);
      expect(text).not.toContain("client_metadata");
      expect(text).not.toContain("all_turns");
      expect(text).not.toContain("verbosity");
    }
  });

  it("its default model's additional_tools item is dropped with a warning, the rest of the turn kept", () => {
    const { body, codes } = convert("openai-responses", "anthropic", fixture("codex-default-model.json"));
    expect(codes).toContain("additional_tools_dropped");
    expect(body.system).toBe("DEVELOPER PROMPT");
    expect(body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "say hi" }] }]);
  });
});

describe("a call to a free-form tool from an upstream without them comes back to the client as a custom call", () => {
  const patch = "*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch\n";
  const customTools = customToolNames(
    ADAPTERS["openai-responses"].decodeRequest(fixture("codex.json"), {}, context()).request.tools,
  );

  function anthropicStream(): StreamEvent[] {
    const events: StreamEvent[] = [];
    const decoder = ADAPTERS.anthropic.createStreamDecoder(context(), (event) => events.push(event));
    const frames: JsonObject[] = [
      {
        type: "message_start",
        message: { id: "msg_1", model: "claude", usage: { input_tokens: 5, output_tokens: 0 } },
      },
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "toolu_9", name: "apply_patch", input: {} },
      },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "" } },
      {
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: JSON.stringify({ input: patch }).slice(0, 20) },
      },
      {
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: JSON.stringify({ input: patch }).slice(20) },
      },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } },
      { type: "message_stop" },
    ];
    for (const frame of frames) decoder.push({ event: String(frame.type), data: JSON.stringify(frame) });
    decoder.end();
    return events;
  }

  function sseData(text: string): JsonObject[] {
    return text
      .split("\n")
      .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
      .map((line) => JSON.parse(line.slice(6)));
  }

  it("Responses stream: a custom_tool_call item whose input is the patch text", () => {
    let text = "";
    const encoder = ADAPTERS["openai-responses"].createStreamEncoder(
      { model: "gpt-5.5", customTools },
      context(),
      (chunk) => {
        text += chunk;
      },
    );
    for (const event of anthropicStream()) encoder.push(event);
    encoder.end();
    const done = sseData(text).find((event) => event.type === "response.output_item.done");
    expect(done?.item).toMatchObject({
      type: "custom_tool_call",
      call_id: "toolu_9",
      name: "apply_patch",
      input: patch,
    });
    const deltas = sseData(text).filter((event) => event.type === "response.custom_tool_call_input.delta");
    expect(deltas.map((event) => event.delta).join("")).toBe(patch);
    expect(text).not.toContain("function_call_arguments");
  });

  it("Responses and Chat bodies: the same call as a custom call with the patch as input", () => {
    const response: CanonicalResponse = {
      id: "resp_1",
      model: "claude",
      created: 1,
      content: [
        {
          type: "tool-call",
          id: "toolu_9",
          name: "apply_patch",
          arguments: JSON.stringify({ input: patch }),
        },
      ],
      finishReason: "tool-calls",
      usage: { inputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 0 },
      warnings: [],
    };
    const responses = ADAPTERS["openai-responses"].encodeResponse(
      response,
      { model: "gpt-5.5", customTools },
      context(),
    );
    expect(objects(responses.output)[0]).toMatchObject({
      type: "custom_tool_call",
      name: "apply_patch",
      input: patch,
    });
    const chat = ADAPTERS["openai-chat"].encodeResponse(
      response,
      { model: "gpt-5.5", customTools },
      context(),
    );
    const message = (objects(chat.choices)[0]?.message ?? {}) as JsonObject;
    expect(objects(message.tool_calls)[0]).toEqual({
      id: "toolu_9",
      type: "custom",
      custom: { name: "apply_patch", input: patch },
    });
  });

  it("without the client's custom tool names nothing changes (a function call stays a function call)", () => {
    let text = "";
    const encoder = ADAPTERS["openai-responses"].createStreamEncoder(
      { model: "gpt-5.5" },
      context(),
      (chunk) => {
        text += chunk;
      },
    );
    for (const event of anthropicStream()) encoder.push(event);
    encoder.end();
    expect(sseData(text).find((event) => event.type === "response.output_item.done")?.item).toMatchObject({
      type: "function_call",
      name: "apply_patch",
    });
  });
});
