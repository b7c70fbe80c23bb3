import { describe, expect, it } from "vitest";
import { LlmuxError } from "../../model/errors.js";
import type { Message } from "../../model/parts.js";
import { readCassette, testContext } from "./__fixtures__/fixtures.js";
import { openAiResponsesAdapter } from "./index.js";

function decode(body: unknown) {
  return openAiResponsesAdapter.decodeRequest(body, {}, testContext());
}

function decodeError(body: unknown): LlmuxError {
  try {
    decode(body);
  } catch (error) {
    if (error instanceof LlmuxError) return error;
    throw error;
  }
  throw new Error("expected the request to be rejected");
}

const CODEX_TURN = {
  model: "gpt-5.1-codex",
  instructions: "You are Codex.",
  input: [
    { type: "message", role: "developer", content: [{ type: "input_text", text: "<permissions>" }] },
    { type: "message", role: "user", content: [{ type: "input_text", text: "fix the bug" }] },
    { type: "reasoning", summary: [], encrypted_content: "gAAAAencrypted" },
    {
      type: "message",
      role: "assistant",
      phase: "commentary",
      content: [{ type: "output_text", text: "Looking." }],
    },
    { type: "function_call", call_id: "call_1", name: "shell", arguments: '{"cmd":"ls"}' },
    { type: "custom_tool_call", call_id: "call_2", name: "apply_patch", input: "*** Begin Patch" },
    { type: "function_call_output", call_id: "call_1", output: "README.md" },
    { type: "custom_tool_call_output", call_id: "call_2", output: "Done!" },
    { type: "message", role: "system", content: "mid-conversation reminder" },
    { type: "message", role: "user", content: "thanks" },
  ],
  tools: [
    { type: "function", name: "shell", parameters: { type: "object" }, strict: false },
    {
      type: "custom",
      name: "apply_patch",
      format: { type: "grammar", syntax: "lark", definition: "start: x" },
    },
    { type: "web_search" },
  ],
  tool_choice: "auto",
  parallel_tool_calls: false,
  reasoning: { effort: "high", summary: "detailed" },
  store: false,
  stream: true,
  include: ["reasoning.encrypted_content"],
  prompt_cache_key: "session-42",
  service_tier: "priority",
};

describe("decodeRequest: a Codex turn", () => {
  const { request, warnings } = decode(CODEX_TURN);

  it("hoists instructions and the leading developer message into the system prompt", () => {
    expect(request.system.map((part) => part.text)).toEqual(["You are Codex.", "<permissions>"]);
  });

  it("groups reasoning, assistant text and tool calls into one assistant message", () => {
    const assistant = request.messages[1] as Message;
    expect(assistant.role).toBe("assistant");
    expect(assistant.content).toEqual([
      { type: "thinking", text: "", signature: { origin: "openai-responses", value: "gAAAAencrypted" } },
      { type: "text", text: "Looking." },
      { type: "tool-call", id: "call_1", name: "shell", arguments: '{"cmd":"ls"}' },
      { type: "tool-call", id: "call_2", name: "apply_patch", arguments: "*** Begin Patch", kind: "custom" },
    ]);
    expect(assistant.extensions).toEqual({ "openai-responses": { phase: "commentary" } });
  });

  it("puts both tool outputs in one tool message, named after their calls", () => {
    expect(request.messages[2]).toEqual({
      role: "tool",
      content: [
        {
          type: "tool-result",
          callId: "call_1",
          name: "shell",
          content: [{ type: "text", text: "README.md" }],
        },
        {
          type: "tool-result",
          callId: "call_2",
          name: "apply_patch",
          content: [{ type: "text", text: "Done!" }],
        },
      ],
    });
  });

  it("keeps a later system message in place", () => {
    expect(request.messages.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "system",
      "user",
    ]);
    expect(request.messages[3]?.content).toEqual([{ type: "text", text: "mid-conversation reminder" }]);
  });

  it("maps tools, tool choice, reasoning and request state", () => {
    expect(request.tools).toEqual([
      { kind: "function", name: "shell", parameters: { type: "object" }, strict: false },
      {
        kind: "custom",
        name: "apply_patch",
        format: { type: "grammar", syntax: "lark", definition: "start: x" },
      },
      {
        kind: "server",
        name: "web_search",
        type: "web_search",
        protocol: "openai-responses",
        config: { type: "web_search" },
      },
    ]);
    expect(request.toolChoice).toEqual({ type: "auto" });
    expect(request.parallelToolCalls).toBe(false);
    expect(request.reasoning).toEqual({ enabled: true, effort: "high", includeThoughts: true });
    expect(request.store).toBe(false);
    expect(request.stream).toBe(true);
    expect(request.metadata).toEqual({ sessionId: "session-42" });
  });

  it("keeps unmapped fields for a same-protocol re-encode, without the include llmux always adds", () => {
    expect(request.extensions).toEqual({
      "openai-responses": { service_tier: "priority", reasoning: { summary: "detailed" } },
    });
    expect(warnings).toEqual([]);
  });
});

describe("decodeRequest: content", () => {
  it("reads a string input as one user message", () => {
    const { request } = decode({ model: "m", input: "hi" });
    expect(request.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
    expect(request.system).toEqual([]);
  });

  it("turns data URLs into inline data without the prefix, and keeps URLs and file ids", () => {
    const { request } = decode({
      model: "m",
      input: [
        {
          role: "user",
          content: [
            { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "high" },
            { type: "input_image", image_url: "https://example.com/cat.jpg" },
            { type: "input_image", file_id: "file-abc" },
            { type: "input_file", file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" },
            { type: "input_file", file_url: "https://example.com/b.pdf" },
          ],
        },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      {
        type: "image",
        source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" },
        detail: "high",
      },
      { type: "image", source: { kind: "url", url: "https://example.com/cat.jpg" } },
      { type: "image", source: { kind: "file-id", fileId: "file-abc" } },
      {
        type: "file",
        source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" },
        filename: "a.pdf",
      },
      { type: "file", source: { kind: "url", url: "https://example.com/b.pdf" } },
    ]);
  });

  it("keeps images inside tool outputs", () => {
    const { request } = decode({
      model: "m",
      input: [
        { type: "function_call", call_id: "c", name: "screenshot", arguments: "" },
        {
          type: "function_call_output",
          call_id: "c",
          output: [
            { type: "input_text", text: "here" },
            { type: "input_image", image_url: "data:image/jpeg;base64,/9j/" },
          ],
        },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      { type: "tool-call", id: "c", name: "screenshot", arguments: "{}" },
    ]);
    expect(request.messages[1]?.content[0]).toEqual({
      type: "tool-result",
      callId: "c",
      name: "screenshot",
      content: [
        { type: "text", text: "here" },
        { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "/9j/" } },
      ],
    });
  });

  it("splits reasoning summaries into thinking parts that share the item id, signature on the last", () => {
    const { request } = decode({
      model: "m",
      input: [
        {
          type: "reasoning",
          id: "rs_1",
          summary: [
            { type: "summary_text", text: "first" },
            { type: "summary_text", text: "second" },
          ],
          encrypted_content: "enc",
        },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      { type: "thinking", text: "first", itemId: "rs_1" },
      {
        type: "thinking",
        text: "second",
        itemId: "rs_1",
        signature: { origin: "openai-responses", value: "enc" },
      },
    ]);
  });

  it("restores a foreign reasoning artifact a previous llmux response carried to the client", () => {
    const { request } = decode({
      model: "m",
      input: [
        {
          type: "reasoning",
          summary: [{ type: "summary_text", text: "t" }],
          encrypted_content: "llmux1:anthropic:EqQB",
        },
        { type: "reasoning", summary: [], encrypted_content: "llmux1:redacted:opaque" },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      { type: "thinking", text: "t", signature: { origin: "anthropic", value: "EqQB" } },
      { type: "thinking", text: "", redactedData: "opaque" },
    ]);
  });

  it("warns about items it cannot carry instead of dropping them silently", () => {
    const { request, warnings } = decode({
      model: "m",
      input: [
        { type: "item_reference", id: "msg_123" },
        { type: "local_shell_call_output", call_id: "c", output: "x" },
        { role: "user", content: [{ type: "input_audio", input_audio: { data: "", format: "wav" } }] },
      ],
    });
    expect(warnings.map((warning) => warning.code)).toEqual([
      "item_reference_dropped",
      "input_item_dropped",
      "content_part_dropped",
    ]);
    expect(request.messages).toEqual([{ role: "user", content: [] }]);
  });
});

describe("decodeRequest: parameters", () => {
  it("maps reasoning effort none to disabled reasoning", () => {
    expect(decode({ model: "m", reasoning: { effort: "none" } }).request.reasoning).toEqual({
      enabled: false,
      effort: "none",
    });
  });

  it("maps output format, sampling, user and previous response", () => {
    const { request } = decode({
      model: "m",
      text: {
        format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true },
        verbosity: "low",
      },
      max_output_tokens: 500,
      temperature: 0.2,
      top_p: 0.9,
      user: "u-1",
      previous_response_id: "resp_prev",
      store: true,
    });
    expect(request.output).toEqual({
      type: "json-schema",
      name: "out",
      schema: { type: "object" },
      strict: true,
    });
    expect(request.sampling).toEqual({ maxOutputTokens: 500, temperature: 0.2, topP: 0.9 });
    expect(request.metadata).toEqual({ user: "u-1" });
    expect(request.previousResponseId).toBe("resp_prev");
    expect(request.store).toBe(true);
    expect(request.extensions["openai-responses"]).toEqual({ text: { verbosity: "low" } });
  });

  it("maps every tool choice form", () => {
    const choice = (tool_choice: unknown) => decode({ model: "m", tool_choice }).request.toolChoice;
    expect(choice("none")).toEqual({ type: "none" });
    expect(choice("required")).toEqual({ type: "required" });
    expect(choice({ type: "function", name: "f" })).toEqual({ type: "tool", name: "f" });
    expect(choice({ type: "custom", name: "apply_patch" })).toEqual({ type: "tool", name: "apply_patch" });
    expect(choice({ type: "web_search_preview" })).toEqual({ type: "tool", name: "web_search_preview" });
  });

  it("gives a tool without parameters an empty object schema", () => {
    expect(decode({ model: "m", tools: [{ type: "function", name: "now" }] }).request.tools).toEqual([
      { kind: "function", name: "now", parameters: { type: "object", properties: {} } },
    ]);
  });
});

describe("decodeRequest: validation", () => {
  it("names the path of a bad field", () => {
    const error = decodeError({
      model: "m",
      input: [{ role: "user", content: [{ type: "input_text", text: 5 }] }],
    });
    expect(error.code).toBe("invalid_request");
    expect(error.status).toBe(400);
    expect(error.param).toBe("input[0].content[0].text");
    expect(error.message).toMatch(/^input\[0\]\.content\[0\]\.text: .*expected string/);
  });

  it("rejects a missing model, a wrong input type, a nameless tool and an unknown effort", () => {
    expect(decodeError({ input: "hi" }).param).toBe("model");
    expect(decodeError({ model: "m", input: 5 }).message).toBe(
      "input: expected string or array, received number",
    );
    expect(decodeError({ model: "m", tools: [{ type: "function" }] }).param).toBe("tools[0].name");
    expect(decodeError({ model: "m", reasoning: { effort: "extreme" } }).param).toBe("reasoning.effort");
    expect(decodeError({ model: "m", input: [{ type: "function_call", name: "f" }] }).param).toBe(
      "input[0].call_id",
    );
    expect(decodeError("not an object").message).toBe("body: expected a JSON object");
  });
});

describe("decodeRequest: recorded requests (pydantic-ai cassettes)", () => {
  it("decodes a multi-turn request that replays encrypted reasoning and a tool result", () => {
    const [, second] = readCassette(
      "pydantic-ai/cassettes/test_openai_responses/test_openai_responses_thinking_with_tool_calls.yaml",
    );
    const { request, warnings } = decode(second?.request);
    expect(warnings).toEqual([]);
    expect(request.system[0]?.text).toMatch(/^You are a helpful assistant that uses planning/);
    const assistant = request.messages[1] as Message;
    const thinking = assistant.content.filter((part) => part.type === "thinking");
    expect(thinking).toHaveLength(5);
    expect(
      thinking.every(
        (part) =>
          part.type === "thinking" && part.itemId === "rs_68c42d29124881968e24c1ca8c1fc7860e8bc41441c948f6",
      ),
    ).toBe(true);
    expect(thinking[4]).toMatchObject({ signature: { origin: "openai-responses" } });
    expect(thinking[4]?.type === "thinking" && thinking[4].signature?.value.startsWith("gAAAAABoxC0_")).toBe(
      true,
    );
    expect(assistant.content[5]).toMatchObject({
      type: "tool-call",
      id: "call_gL7JE6GDeGGsFubqO2XGytyO",
      name: "update_plan",
    });
    expect(request.messages[2]?.content[0]).toEqual({
      type: "tool-result",
      callId: "call_gL7JE6GDeGGsFubqO2XGytyO",
      name: "update_plan",
      content: [{ type: "text", text: "plan updated" }],
    });
    expect(request.reasoning).toEqual({ enabled: true, effort: "low", includeThoughts: true });
  });

  it("decodes a streaming request whose instructions are an empty string", () => {
    const [first] = readCassette(
      "pydantic-ai/cassettes/test_openai_responses/test_openai_responses_stream.yaml",
    );
    const { request } = decode(first?.request);
    expect(request.system).toEqual([]);
    expect(request.stream).toBe(true);
    expect(request.tools[0]).toMatchObject({
      kind: "function",
      name: "get_capital",
      strict: true,
      description: "",
    });
    expect(request.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "What is the capital of France?" }] },
    ]);
  });
});
