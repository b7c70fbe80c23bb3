import { describe, expect, it } from "vitest";
import { canonicalRequest } from "../../model/__fixtures__/canonical-request.js";
import type { JsonObject } from "../../model/json.js";
import type { Message } from "../../model/parts.js";
import type { CanonicalRequest } from "../../model/request.js";
import { encodeAnthropicRequest } from "./request-encode.js";
import { sanitizeAnthropicToolId } from "./tool-id.js";

const request = canonicalRequest;

function encode(overrides: Partial<CanonicalRequest> = {}) {
  return encodeAnthropicRequest(request(overrides), { model: "claude-sonnet-4-5" });
}

function codes(warnings: { code: string }[]): string[] {
  return warnings.map((warning) => warning.code);
}

const weatherTool = {
  kind: "function" as const,
  name: "weather",
  parameters: { type: "object", properties: { city: { type: "string" } } },
};

/** A tool-calling history as an OpenAI client sends it: one tool message per result. */
const openAiHistory: Message[] = [
  { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
  {
    role: "assistant",
    content: [
      { type: "text", text: "  " },
      { type: "tool-call", id: "call_1", name: "weather", arguments: '{"city":"Paris"}' },
      { type: "tool-call", id: "call_2", name: "weather", arguments: '{"city":"Rome"}' },
    ],
  },
  {
    role: "tool",
    content: [{ type: "tool-result", callId: "call_1", content: [{ type: "text", text: "sunny" }] }],
  },
  {
    role: "tool",
    content: [{ type: "tool-result", callId: "call_2", content: [{ type: "text", text: "rain" }] }],
  },
  { role: "user", content: [{ type: "text", text: "Which is warmer?" }] },
];

describe("anthropic request encoding: conversation shape", () => {
  it("answers all calls of a turn in one user message, results first, then the human text", () => {
    const { body, warnings } = encode({ messages: openAiHistory, tools: [weatherTool] });
    expect(warnings).toEqual([]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "call_1", name: "weather", input: { city: "Paris" } },
          { type: "tool_use", id: "call_2", name: "weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1", content: "sunny" },
          { type: "tool_result", tool_use_id: "call_2", content: "rain" },
          { type: "text", text: "Which is warmer?" },
        ],
      },
    ]);
    expect(body.model).toBe("claude-sonnet-4-5");
    expect(body.max_tokens).toBe(8192);
  });

  it("fills a missing result, turns a stray result into text, and drops a duplicate, with warnings", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "go" }] },
      { role: "assistant", content: [{ type: "tool-call", id: "call_1", name: "weather", arguments: "{}" }] },
      {
        role: "tool",
        content: [
          { type: "tool-result", callId: "call_9", content: [{ type: "text", text: "stray" }] },
          { type: "tool-result", callId: "call_x", content: [{ type: "text", text: "other" }] },
        ],
      },
    ];
    const { body, warnings } = encode({ messages, tools: [weatherTool] });
    const last = (body.messages as JsonObject[])[2];
    expect(last).toEqual({
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: "call_1",
          content: "No result was provided for this tool call.",
          is_error: true,
        },
        { type: "text", text: "[Result of tool call call_9]\nstray" },
        { type: "text", text: "[Result of tool call call_x]\nother" },
      ],
    });
    expect(codes(warnings)).toEqual(["tool_result_orphaned", "tool_result_orphaned", "tool_result_missing"]);
    const duplicate = encode({
      tools: [weatherTool],
      messages: [
        messages[0]!,
        messages[1]!,
        {
          role: "tool",
          content: [{ type: "tool-result", callId: "call_1", content: [{ type: "text", text: "a" }] }],
        },
        {
          role: "tool",
          content: [{ type: "tool-result", callId: "call_1", content: [{ type: "text", text: "b" }] }],
        },
      ],
    });
    expect((duplicate.body.messages as JsonObject[])[2]).toEqual({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "call_1", content: "a" }],
    });
    expect(codes(duplicate.warnings)).toEqual(["tool_result_duplicate"]);
  });

  it("sanitizes tool ids deterministically so a call and its result still match", () => {
    const id = "functions.weather:0";
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "go" }] },
      { role: "assistant", content: [{ type: "tool-call", id, name: "weather", arguments: "{}" }] },
      {
        role: "tool",
        content: [{ type: "tool-result", callId: id, content: [{ type: "text", text: "ok" }] }],
      },
    ];
    const { body } = encode({ messages, tools: [weatherTool] });
    const sent = sanitizeAnthropicToolId(id);
    expect(sent).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(sent).toBe(sanitizeAnthropicToolId(id));
    expect(sanitizeAnthropicToolId("functions_weather_0")).toBe("functions_weather_0");
    expect(sanitizeAnthropicToolId("functions.weather:0")).not.toBe(
      sanitizeAnthropicToolId("functions:weather.0"),
    );
    const [, assistant, user] = body.messages as { content: JsonObject[] }[];
    expect(assistant?.content[0]?.id).toBe(sent);
    expect(user?.content[0]?.tool_use_id).toBe(sent);
  });

  it("keeps mid-conversation system messages as role system, after the results they interrupt", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "go" }] },
      { role: "assistant", content: [{ type: "tool-call", id: "call_1", name: "weather", arguments: "{}" }] },
      { role: "system", content: [{ type: "text", text: "reminder" }] },
      {
        role: "tool",
        content: [{ type: "tool-result", callId: "call_1", content: [{ type: "text", text: "ok" }] }],
      },
    ];
    const { body, warnings } = encode({
      messages,
      tools: [weatherTool],
      system: [{ type: "text", text: "top" }],
    });
    expect(warnings).toEqual([]);
    expect(body.system).toBe("top");
    expect((body.messages as JsonObject[]).map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "user",
      "system",
    ]);
  });

  it("moves tool results found in an assistant message into the user turn after it", () => {
    const { body, warnings } = encode({
      tools: [weatherTool],
      messages: [
        { role: "user", content: [{ type: "text", text: "go" }] },
        {
          role: "assistant",
          content: [
            { type: "tool-call", id: "call_1", name: "weather", arguments: "{}" },
            { type: "tool-result", callId: "call_1", content: [{ type: "text", text: "ok" }] },
          ],
        },
      ],
    });
    expect(warnings).toEqual([]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "go" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "call_1", name: "weather", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "ok" }] },
    ]);
  });

  it("declares history tools but forbids calls when a request with tool history has no tools", () => {
    const { body } = encode({ messages: openAiHistory });
    expect(body.tools).toEqual([{ name: "weather", input_schema: { type: "object" } }]);
    expect(body.tool_choice).toEqual({ type: "none" });
  });
});

describe("anthropic request encoding: media and reasoning artifacts", () => {
  it("sends allowed images, converts data URLs, and replaces unsupported types by a note", () => {
    const { body, warnings } = encode({
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { kind: "url", url: "https://example.com/a.png" } },
            { type: "image", source: { kind: "url", url: "data:image/jpg;base64,QUJD" } },
            { type: "image", source: { kind: "base64", mediaType: "image/bmp", data: "Qk0=" } },
            {
              type: "file",
              source: { kind: "base64", mediaType: "application/pdf", data: "JVBE" },
              filename: "r.pdf",
            },
            {
              type: "file",
              source: {
                kind: "base64",
                mediaType: "text/plain",
                data: Buffer.from("hey").toString("base64"),
              },
            },
          ],
        },
      ],
    });
    expect((body.messages as { content: JsonObject[] }[])[0]?.content).toEqual([
      { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
      { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "QUJD" } },
      { type: "text", text: "[image (image/bmp) omitted: not supported by this model]" },
      {
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: "JVBE" },
        title: "r.pdf",
      },
      { type: "document", source: { type: "text", media_type: "text/plain", data: "hey" } },
    ]);
    expect(codes(warnings)).toEqual(["image_dropped"]);
  });

  it("replays only Anthropic-signed thinking and redacted thinking; drops foreign ones with a warning", () => {
    const { body, warnings } = encode({
      messages: [
        { role: "user", content: [{ type: "text", text: "q" }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", text: "mine", signature: { origin: "anthropic", value: "sig" } },
            { type: "thinking", text: "", redactedData: "opaque" },
            { type: "thinking", text: "gemini's", signature: { origin: "gemini", value: "g" } },
            { type: "thinking", text: "unsigned reasoning_content" },
            { type: "text", text: "answer  " },
          ],
        },
      ],
    });
    expect((body.messages as { content: JsonObject[] }[])[1]?.content).toEqual([
      { type: "thinking", thinking: "mine", signature: "sig" },
      { type: "redacted_thinking", data: "opaque" },
      { type: "text", text: "answer" },
    ]);
    expect(codes(warnings)).toEqual(["thinking_dropped", "thinking_dropped"]);
  });
});

describe("anthropic request encoding: parameters", () => {
  it("maps an effort to a thinking budget and keeps max_tokens above it", () => {
    const { body } = encode({ reasoning: { enabled: true, effort: "high" } });
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 24576 });
    expect(body.max_tokens).toBe(24576 + 4096);
    expect(body.output_config).toBeUndefined();
  });

  it("lowers the budget under a client's max tokens, and disables thinking when nothing fits", () => {
    const lowered = encode({
      reasoning: { enabled: true, budgetTokens: 8000 },
      sampling: { maxOutputTokens: 4000 },
    });
    expect(lowered.body.thinking).toEqual({ type: "enabled", budget_tokens: 3999 });
    expect(lowered.body.max_tokens).toBe(4000);
    expect(codes(lowered.warnings)).toEqual(["thinking_budget_lowered"]);
    const none = encode({ reasoning: { enabled: true, effort: "low" }, sampling: { maxOutputTokens: 500 } });
    expect(none.body.thinking).toEqual({ type: "disabled" });
    expect(codes(none.warnings)).toEqual(["thinking_disabled"]);
  });

  it("drops temperature, top_k and low top_p with thinking on, with warnings", () => {
    const { body, warnings } = encode({
      reasoning: { enabled: true, budgetTokens: 2048 },
      sampling: { temperature: 0.3, topK: 5, topP: 0.5, maxOutputTokens: 9000 },
    });
    expect(body.temperature).toBeUndefined();
    expect(body.top_k).toBeUndefined();
    expect(body.top_p).toBeUndefined();
    expect(codes(warnings)).toEqual(["temperature_dropped", "top_p_dropped", "top_k_dropped"]);
  });

  it("keeps temperature and drops top_p when both are set (Sonnet 4.5 and Opus 4.1+ reject the pair)", () => {
    const both = encode({ sampling: { temperature: 0.3, topP: 0.9 } });
    expect(both.body.temperature).toBe(0.3);
    expect(both.body.top_p).toBeUndefined();
    expect(codes(both.warnings)).toEqual(["top_p_dropped"]);
    expect(both.warnings[0]?.message).toMatch(/temperature and top_p together/);
    const alone = encode({ sampling: { topP: 0.9 } });
    expect(alone.body.top_p).toBe(0.9);
    expect(alone.warnings).toEqual([]);
    // An older model gets the same treatment: either alone is always accepted.
    const older = encodeAnthropicRequest(request({ sampling: { temperature: 0.5, topP: 0.8 } }), {
      model: "claude-3-5-haiku-latest",
    });
    expect([older.body.temperature, older.body.top_p]).toEqual([0.5, undefined]);
  });

  it("warns when a Gemini thoughtSignature on a replayed tool call is dropped", () => {
    const signed: Message[] = [
      { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
      {
        role: "assistant",
        content: [
          {
            type: "tool-call",
            id: "call_1",
            name: "weather",
            arguments: '{"city":"Paris"}',
            signature: { origin: "gemini", value: "gem-sig-1" },
          },
        ],
      },
      {
        role: "tool",
        content: [{ type: "tool-result", callId: "call_1", content: [{ type: "text", text: "Sunny" }] }],
      },
    ];
    const { body, warnings } = encode({ tools: [weatherTool], messages: signed });
    expect(JSON.stringify(body)).not.toContain("gem-sig-1");
    expect(codes(warnings)).toEqual(["tool_call_signature_dropped"]);
    expect(warnings[0]?.message).toMatch(/tool call signature issued by gemini/);
  });

  it("sends adaptive thinking with effort, and disabled thinking without any effort", () => {
    const adaptive = encode({ reasoning: { enabled: true, adaptive: true, effort: "max" } }).body;
    expect(adaptive.thinking).toEqual({ type: "adaptive" });
    expect(adaptive.output_config).toEqual({ effort: "max" });
    const disabled = encode({ reasoning: { enabled: false, effort: "high" } }).body;
    expect(disabled.thinking).toEqual({ type: "disabled" });
    expect(disabled.output_config).toBeUndefined();
  });

  it("disables thinking with a forced tool choice, which Anthropic rejects together", () => {
    const { body, warnings } = encode({
      tools: [weatherTool],
      toolChoice: { type: "required" },
      reasoning: { enabled: true, effort: "medium" },
    });
    expect(body.thinking).toEqual({ type: "disabled" });
    expect(body.tool_choice).toEqual({ type: "any" });
    expect(codes(warnings)).toEqual(["thinking_disabled"]);
  });

  it("maps tool choice and parallel calls, and omits a tool choice without tools", () => {
    expect(
      encode({ tools: [weatherTool], toolChoice: { type: "tool", name: "weather" } }).body.tool_choice,
    ).toEqual({
      type: "tool",
      name: "weather",
    });
    expect(encode({ tools: [weatherTool], parallelToolCalls: false }).body.tool_choice).toEqual({
      type: "auto",
      disable_parallel_tool_use: true,
    });
    const orphan = encode({ toolChoice: { type: "required" } });
    expect(orphan.body.tool_choice).toBeUndefined();
    expect(codes(orphan.warnings)).toEqual(["tool_choice_dropped"]);
  });

  it("keeps Anthropic server tools, drops foreign server tools; offers free-form tools as functions", () => {
    const { body, warnings } = encode({
      tools: [
        {
          kind: "server",
          name: "web_search",
          type: "web_search_20250305",
          protocol: "anthropic",
          config: { max_uses: 2 },
        },
        { kind: "server", name: "web_search", type: "web_search", protocol: "openai-responses", config: {} },
        { kind: "custom", name: "apply_patch" },
        { ...weatherTool, deferLoading: true, strict: true, parameters: { properties: {} } },
      ],
    });
    expect(body.tools).toEqual([
      { max_uses: 2, type: "web_search_20250305", name: "web_search" },
      {
        name: "apply_patch",
        description: "Free-form tool: pass the whole input as plain text in the `input` string (not JSON).",
        input_schema: {
          type: "object",
          properties: { input: { type: "string", description: "The tool's free-form input." } },
          required: ["input"],
          additionalProperties: false,
        },
      },
      {
        name: "weather",
        input_schema: { type: "object", properties: {} },
        strict: true,
        defer_loading: true,
      },
    ]);
    expect(codes(warnings)).toEqual(["tool_dropped", "custom_tool_as_function"]);
  });

  it("sends a JSON schema as output_config.format, metadata, stop sequences and the stream flag", () => {
    const { body, warnings } = encode({
      output: { type: "json-schema", name: "answer", schema: { type: "object" } },
      metadata: { user: "u-1", sessionId: "s" },
      sampling: { stop: ["END", " "], temperature: 1.5, seed: 7 },
      stream: true,
    });
    expect(body.output_config).toEqual({
      format: { type: "json_schema", schema: { type: "object", additionalProperties: false } },
    });
    expect(body.metadata).toEqual({ user_id: "u-1" });
    expect(body.stop_sequences).toEqual(["END"]);
    expect(body.temperature).toBe(1);
    expect(body.stream).toBe(true);
    expect(codes(warnings)).toEqual(["temperature_clamped", "stop_dropped", "parameter_dropped"]);
  });

  it("re-applies only Anthropic extensions", () => {
    const { body } = encode({
      extensions: {
        anthropic: { context_management: { edits: [] }, model: "ignored" },
        "openai-chat": { logprobs: true },
      },
    });
    expect(body.context_management).toEqual({ edits: [] });
    expect(body.model).toBe("claude-sonnet-4-5");
    expect(body.logprobs).toBeUndefined();
  });
});
