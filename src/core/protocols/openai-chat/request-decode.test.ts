import { describe, expect, it } from "vitest";
import { LlmuxError } from "../../model/errors.js";
import { readRecordedRequest, testContext } from "./__fixtures__/support.js";
import { openAiChatAdapter } from "./index.js";

function decode(body: unknown) {
  return openAiChatAdapter.decodeRequest(body, {}, testContext());
}

function decodeError(body: unknown): LlmuxError {
  try {
    decode(body);
  } catch (error) {
    if (error instanceof LlmuxError) return error;
    throw error;
  }
  throw new Error("expected decodeRequest to throw");
}

describe("openai-chat decodeRequest", () => {
  it("recorded request (pydantic-ai): system hoisted, tool history, tool result named after its call", () => {
    const body = readRecordedRequest(
      "pydantic-ai/extracted/test_openai/test_openai_instructions_with_tool_calls_keep_instructions/02-request.json",
    );
    const { request, warnings } = decode(body);
    expect(warnings).toEqual([]);
    expect(request.model).toBe("gpt-4.1-mini");
    expect(request.system).toEqual([{ type: "text", text: "You are a helpful assistant." }]);
    expect(request.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "What is the temperature in Tokyo?" }] },
      {
        role: "assistant",
        content: [
          {
            type: "tool-call",
            id: "call_bhZkmIKKItNGJ41whHUHB7p9",
            name: "get_temperature",
            arguments: '{"city":"Tokyo"}',
          },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            callId: "call_bhZkmIKKItNGJ41whHUHB7p9",
            name: "get_temperature",
            content: [{ type: "text", text: "20.0" }],
          },
        ],
      },
    ]);
    expect(request.tools).toEqual([
      {
        kind: "function",
        name: "get_temperature",
        description: "",
        parameters: {
          additionalProperties: false,
          properties: { city: { type: "string" } },
          required: ["city"],
          type: "object",
        },
        strict: true,
      },
    ]);
    expect(request.toolChoice).toEqual({ type: "auto" });
    expect(request.sampling).toEqual({ candidateCount: 1 });
    expect(request.stream).toBe(false);
  });

  it("recorded streaming request: stream_options.include_usage -> includeUsage", () => {
    const body = readRecordedRequest(
      "pydantic-ai/extracted/test_openai/test_run_stream_sync_streams_real_model/02-request.json",
    );
    const { request } = decode(body);
    expect(request.stream).toBe(true);
    expect(request.includeUsage).toBe(true);
    // content: null on an assistant message with tool calls
    expect(request.messages[1]?.content.map((part) => part.type)).toEqual(["tool-call"]);
  });

  it("keeps later system/developer messages in place; only the leading run becomes the system prompt", () => {
    const { request } = decode({
      model: "m",
      messages: [
        { role: "developer", content: "dev rules" },
        { role: "system", content: [{ type: "text", text: "sys rules" }] },
        { role: "user", content: "hi" },
        { role: "system", content: "reminder" },
        { role: "user", content: "again" },
      ],
    });
    expect(request.system).toEqual([
      { type: "text", text: "dev rules" },
      { type: "text", text: "sys rules" },
    ]);
    expect(request.messages.map((message) => message.role)).toEqual(["user", "system", "user"]);
    expect(request.messages[1]?.content).toEqual([{ type: "text", text: "reminder" }]);
  });

  it("user parts: text, image URL, data: URL -> base64 without prefix, file data and file id; audio warned", () => {
    const { request, warnings } = decode({
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "look" },
            { type: "image_url", image_url: { url: "https://x.test/a.png", detail: "high" } },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
            { type: "file", file: { file_id: "file-123" } },
            { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } },
          ],
        },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      { type: "text", text: "look" },
      { type: "image", source: { kind: "url", url: "https://x.test/a.png" }, detail: "high" },
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
      {
        type: "file",
        source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" },
        filename: "a.pdf",
      },
      { type: "file", source: { kind: "file-id", fileId: "file-123" } },
    ]);
    expect(warnings.map((warning) => warning.code)).toEqual(["audio_dropped"]);
    expect(warnings[0]?.message).toContain("messages[0].content[5]");
  });

  it("assistant reasoning_content (DeepSeek) or reasoning (OpenRouter) -> unsigned thinking before text", () => {
    const { request } = decode({
      model: "m",
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: "a", reasoning_content: "thought" },
        { role: "user", content: "q2" },
        { role: "assistant", content: "b", reasoning: "thought 2" },
      ],
    });
    expect(request.messages[1]?.content).toEqual([
      { type: "thinking", text: "thought" },
      { type: "text", text: "a" },
    ]);
    expect(request.messages[3]?.content[0]).toEqual({ type: "thinking", text: "thought 2" });
  });

  it("unwraps multi_tool_use.parallel and turns a refusal into text", () => {
    const wrapped = JSON.stringify({
      tool_uses: [{ recipient_name: "functions.lookup", parameters: { q: "x" } }],
    });
    const { request } = decode({
      model: "m",
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_w",
              type: "function",
              function: { name: "multi_tool_use.parallel", arguments: wrapped },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_w_0", content: "found" },
        { role: "assistant", content: null, refusal: "I can't do that." },
      ],
    });
    expect(request.messages[1]?.content).toEqual([
      { type: "tool-call", id: "call_w_0", name: "lookup", arguments: '{"q":"x"}' },
    ]);
    expect(request.messages[2]?.content[0]).toMatchObject({ callId: "call_w_0", name: "lookup" });
    expect(request.messages[3]?.content).toEqual([{ type: "text", text: "I can't do that." }]);
  });

  it('a call with empty arguments carries "{}"; legacy function_call/function messages get matching ids', () => {
    const { request } = decode({
      model: "m",
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "now", arguments: "" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "noon" },
        { role: "assistant", content: null, function_call: { name: "legacy", arguments: '{"a":1}' } },
        { role: "function", name: "legacy", content: "ok" },
      ],
    });
    expect(request.messages[1]?.content[0]).toMatchObject({ arguments: "{}" });
    const legacyCall = request.messages[3]?.content[0];
    expect(legacyCall).toMatchObject({ type: "tool-call", name: "legacy", arguments: '{"a":1}' });
    const legacyId = legacyCall?.type === "tool-call" ? legacyCall.id : "";
    expect(request.messages[4]).toEqual({
      role: "tool",
      content: [
        { type: "tool-result", callId: legacyId, name: "legacy", content: [{ type: "text", text: "ok" }] },
      ],
    });
  });

  it("maps parameters, reasoning effort, response_format, metadata and keeps unknown fields as extensions", () => {
    const { request } = decode({
      model: "o3",
      messages: [{ role: "user", content: "q", name: "alice" }],
      max_completion_tokens: 500,
      temperature: 0.2,
      top_p: 0.9,
      stop: "END",
      seed: 7,
      frequency_penalty: 0.1,
      presence_penalty: 0.3,
      reasoning_effort: "high",
      response_format: {
        type: "json_schema",
        json_schema: { name: "out", schema: { type: "object" }, strict: true },
      },
      parallel_tool_calls: false,
      user: "u-1",
      prompt_cache_key: "session-9",
      metadata: { team: "a" },
      logit_bias: { "42": 1 },
      service_tier: "flex",
      stream: true,
      stream_options: { include_usage: false },
    });
    expect(request.sampling).toEqual({
      maxOutputTokens: 500,
      temperature: 0.2,
      topP: 0.9,
      stop: ["END"],
      seed: 7,
      frequencyPenalty: 0.1,
      presencePenalty: 0.3,
    });
    expect(request.reasoning).toEqual({ enabled: true, effort: "high" });
    expect(request.output).toEqual({
      type: "json-schema",
      name: "out",
      schema: { type: "object" },
      strict: true,
    });
    expect(request.parallelToolCalls).toBe(false);
    expect(request.metadata).toEqual({ user: "u-1", sessionId: "session-9" });
    expect(request.includeUsage).toBe(false);
    expect(request.extensions["openai-chat"]).toEqual({
      metadata: { team: "a" },
      logit_bias: { "42": 1 },
      service_tier: "flex",
    });
    expect(request.messages[0]?.extensions).toEqual({ "openai-chat": { name: "alice" } });
  });

  it('reasoning_effort "none" means reasoning disabled; max_tokens is the legacy output cap', () => {
    const { request } = decode({
      model: "m",
      messages: [{ role: "user", content: "q" }],
      reasoning_effort: "none",
      max_tokens: 9,
    });
    expect(request.reasoning).toEqual({ enabled: false, effort: "none" });
    expect(request.sampling.maxOutputTokens).toBe(9);
  });

  it("tools: custom tools, named tool_choice, allowed_tools narrows the tool list", () => {
    const { request } = decode({
      model: "m",
      messages: [{ role: "user", content: "q" }],
      tools: [
        { type: "function", function: { name: "a" } },
        { type: "function", function: { name: "b", parameters: { type: "object", properties: {} } } },
        { type: "custom", custom: { name: "patch", description: "apply a patch" } },
      ],
      tool_choice: {
        type: "allowed_tools",
        allowed_tools: {
          mode: "required",
          tools: [
            { type: "function", function: { name: "b" } },
            { type: "custom", custom: { name: "patch" } },
          ],
        },
      },
    });
    expect(request.tools.map((tool) => tool.name)).toEqual(["b", "patch"]);
    expect(request.tools[1]).toEqual({ kind: "custom", name: "patch", description: "apply a patch" });
    expect(request.toolChoice).toEqual({ type: "required" });
    const named = decode({
      model: "m",
      messages: [{ role: "user", content: "q" }],
      tools: [{ type: "function", function: { name: "a" } }],
      tool_choice: { type: "function", function: { name: "a" } },
    }).request;
    expect(named.toolChoice).toEqual({ type: "tool", name: "a" });
    expect(named.tools[0]).toEqual({
      kind: "function",
      name: "a",
      parameters: { type: "object", properties: {} },
    });
  });

  it("rejects bad input with invalid_request naming the path", () => {
    const missingModel = decodeError({ messages: [{ role: "user", content: "q" }] });
    expect(missingModel.code).toBe("invalid_request");
    expect(missingModel.status).toBe(400);
    expect(missingModel.param).toBe("model");
    expect(missingModel.message.startsWith("model: ")).toBe(true);

    const badContent = decodeError({
      model: "m",
      messages: [
        { role: "user", content: "q" },
        { role: "user", content: 5 },
      ],
    });
    expect(badContent.param).toBe("messages[1].content");

    const badRole = decodeError({ model: "m", messages: [{ role: "wizard", content: "q" }] });
    expect(badRole.param).toBe("messages[0].role");

    const badTemperature = decodeError({
      model: "m",
      messages: [{ role: "user", content: "q" }],
      temperature: "hot",
    });
    expect(badTemperature.message).toMatch(/^temperature: /);

    const notObject = decodeError("hello");
    expect(notObject.param).toBe("body");

    const noToolId = decodeError({ model: "m", messages: [{ role: "tool", content: "x" }] });
    expect(noToolId.param).toBe("messages[0].tool_call_id");
  });
});
