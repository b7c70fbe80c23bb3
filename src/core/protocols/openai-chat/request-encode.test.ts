import { describe, expect, it } from "vitest";
import { canonicalRequest } from "../../model/__fixtures__/canonical-request.js";
import type { Message } from "../../model/parts.js";
import type { CanonicalRequest } from "../../model/request.js";
import { testContext } from "./__fixtures__/support.js";
import { openAiChatAdapter } from "./index.js";
import { sanitizeToolCallId } from "./tool-id.js";

const request = canonicalRequest;

function encode(canonical: CanonicalRequest, model = "gpt-4.1") {
  return openAiChatAdapter.encodeRequest(canonical, { model }, testContext());
}

function codes(warnings: readonly { code: string }[]): string[] {
  return warnings.map((warning) => warning.code);
}

describe("openai-chat encodeRequest: messages", () => {
  it("joins all system parts into one leading system message; a mid-conversation system message stays", () => {
    const { body } = encode(
      request({
        system: [
          { type: "text", text: "Rule one." },
          { type: "text", text: "  " },
          { type: "text", text: "Rule two.", cacheControl: { type: "ephemeral" } },
        ],
        messages: [
          { role: "user", content: [{ type: "text", text: "hi" }] },
          { role: "system", content: [{ type: "text", text: "<reminder>" }] },
          { role: "developer", content: [{ type: "text", text: "dev note" }] },
          { role: "user", content: [{ type: "text", text: "go" }] },
        ],
      }),
    );
    expect(body.model).toBe("gpt-4.1");
    expect(body.messages).toEqual([
      { role: "system", content: "Rule one.\n\nRule two." },
      { role: "user", content: "hi" },
      { role: "system", content: "<reminder>" },
      { role: "developer", content: "dev note" },
      { role: "user", content: "go" },
    ]);
  });

  it("warns once that cache_control breakpoints are dropped", () => {
    const { warnings } = encode(
      request({
        system: [{ type: "text", text: "s", cacheControl: { type: "ephemeral" } }],
        messages: [
          { role: "user", content: [{ type: "text", text: "u", cacheControl: { type: "ephemeral" } }] },
        ],
      }),
    );
    expect(codes(warnings)).toEqual(["cache_control_dropped"]);
  });

  it("images: URL and base64 (as a data: URL); files as file_data / file_id; multi-part content stays an array", () => {
    const { body, warnings } = encode(
      request({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "see" },
              { type: "image", source: { kind: "url", url: "https://x.test/a.png" }, detail: "low" },
              { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "/9j/4AAQ" } },
              {
                type: "file",
                source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" },
                filename: "a.pdf",
              },
              { type: "file", source: { kind: "file-id", fileId: "file-1" } },
              { type: "image", source: { kind: "file-id", fileId: "file-2" } },
            ],
          },
        ],
      }),
    );
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "see" },
          { type: "image_url", image_url: { url: "https://x.test/a.png", detail: "low" } },
          { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
          { type: "file", file: { file_id: "file-1" } },
        ],
      },
    ]);
    expect(codes(warnings)).toEqual(["image_dropped"]);
  });

  it("assistant: empty text dropped, tool calls only -> content null, one tool message per result", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "weather?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: " \n" },
          { type: "tool-call", id: "toolu_1", name: "weather", arguments: '{"city":"Paris"}' },
          { type: "tool-call", id: "toolu_2", name: "time", arguments: "" },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            callId: "toolu_1",
            name: "weather",
            content: [{ type: "text", text: "sunny" }],
          },
          { type: "tool-result", callId: "toolu_2", content: [] },
        ],
      },
    ];
    const { body, warnings } = encode(request({ messages }));
    expect(warnings).toEqual([]);
    expect(body.messages).toEqual([
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
          { id: "toolu_2", type: "function", function: { name: "time", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "sunny" },
      { role: "tool", tool_call_id: "toolu_2", content: "" },
    ]);
  });

  it("images inside tool results follow the tool messages as a user message, with a warning", () => {
    const { body, warnings } = encode(
      request({
        messages: [
          { role: "user", content: [{ type: "text", text: "screenshot" }] },
          { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "shot", arguments: "{}" }] },
          {
            role: "tool",
            content: [
              {
                type: "tool-result",
                callId: "c1",
                isError: true,
                content: [
                  { type: "text", text: "captured" },
                  { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAA" } },
                ],
              },
            ],
          },
          { role: "user", content: [{ type: "text", text: "what do you see?" }] },
        ],
      }),
    );
    expect(body.messages).toEqual([
      { role: "user", content: "screenshot" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "shot", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "c1", content: "captured" },
      {
        role: "user",
        content: [
          { type: "text", text: "Attachments of tool result c1:" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAA" } },
        ],
      },
      { role: "user", content: "what do you see?" },
    ]);
    expect(codes(warnings).sort()).toEqual(["tool_error_flag_dropped", "tool_result_media_moved"]);
  });

  it("thinking: unsigned -> reasoning_content; openai-chat signed -> reasoning_details; foreign signed/redacted dropped with a warning", () => {
    const { body, warnings } = encode(
      request({
        messages: [
          { role: "user", content: [{ type: "text", text: "q" }] },
          {
            role: "assistant",
            content: [
              { type: "thinking", text: "plain thought" },
              { type: "thinking", text: "claude thought", signature: { origin: "anthropic", value: "sig" } },
              { type: "thinking", text: "", redactedData: "opaque" },
              {
                type: "thinking",
                text: "",
                signature: { origin: "openai-chat", value: '{"type":"reasoning.encrypted","data":"enc"}' },
              },
              { type: "text", text: "answer" },
            ],
          },
        ],
      }),
    );
    expect((body.messages as unknown[])[1]).toEqual({
      role: "assistant",
      content: "answer",
      reasoning_content: "plain thought",
      reasoning_details: [{ type: "reasoning.encrypted", data: "enc" }],
    });
    expect(JSON.stringify(body)).not.toContain("claude thought");
    expect(codes(warnings)).toEqual(["thinking_dropped"]);
  });

  it("media in assistant or system messages cannot be carried: dropped with a warning, text kept", () => {
    const { body, warnings } = encode(
      request({
        messages: [
          { role: "user", content: [{ type: "text", text: "q" }] },
          {
            role: "assistant",
            content: [
              { type: "text", text: "here" },
              { type: "image", source: { kind: "url", url: "https://x.test/i.png" } },
            ],
          },
          {
            role: "system",
            content: [
              { type: "text", text: "note" },
              { type: "file", source: { kind: "file-id", fileId: "f" } },
            ],
          },
        ],
      }),
    );
    expect(body.messages).toEqual([
      { role: "user", content: "q" },
      { role: "assistant", content: "here" },
      { role: "system", content: "note" },
    ]);
    expect(codes(warnings)).toEqual(["part_dropped"]);
  });

  it("a Gemini thoughtSignature on a replayed tool call is dropped with a warning", () => {
    const { body, warnings } = encode(
      request({
        messages: [
          { role: "user", content: [{ type: "text", text: "Weather?" }] },
          {
            role: "assistant",
            content: [
              {
                type: "tool-call",
                id: "call_1",
                name: "weather",
                arguments: "{}",
                signature: { origin: "gemini", value: "gem-sig-1" },
              },
              {
                type: "tool-call",
                id: "call_2",
                name: "weather",
                arguments: "{}",
                signature: { origin: "gemini", value: "gem-sig-2" },
              },
            ],
          },
        ],
      }),
    );
    expect(JSON.stringify(body)).not.toContain("gem-sig");
    expect(codes(warnings)).toEqual(["tool_call_signature_dropped"]);
    expect(warnings[0]?.message).toMatch(/tool call signature issued by gemini/);
  });

  it("sanitizes over-long tool ids deterministically, so a call and its result still match", () => {
    const longId = `toolu_${"x".repeat(60)}`;
    const { body } = encode(
      request({
        messages: [
          { role: "user", content: [{ type: "text", text: "q" }] },
          { role: "assistant", content: [{ type: "tool-call", id: longId, name: "f", arguments: "{}" }] },
          {
            role: "tool",
            content: [{ type: "tool-result", callId: longId, content: [{ type: "text", text: "r" }] }],
          },
        ],
      }),
    );
    const messages = body.messages as { tool_calls?: { id: string }[]; tool_call_id?: string }[];
    const callId = messages[1]?.tool_calls?.[0]?.id ?? "";
    expect(callId.length).toBeLessThanOrEqual(40);
    expect(messages[2]?.tool_call_id).toBe(callId);
    expect(sanitizeToolCallId(longId)).toBe(callId);
    expect(sanitizeToolCallId(`${longId}y`)).not.toBe(callId);
    expect(sanitizeToolCallId("call_short")).toBe("call_short");
  });
});

describe("openai-chat encodeRequest: parameters", () => {
  it("plain models: max_tokens and sampling parameters pass", () => {
    const { body, warnings } = encode(
      request({
        sampling: {
          maxOutputTokens: 100,
          temperature: 0.5,
          topP: 0.8,
          stop: ["x"],
          seed: 3,
          presencePenalty: 1,
        },
      }),
      "gpt-4.1",
    );
    expect(body).toMatchObject({
      max_tokens: 100,
      temperature: 0.5,
      top_p: 0.8,
      stop: ["x"],
      seed: 3,
      presence_penalty: 1,
    });
    expect(body.max_completion_tokens).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("OpenAI reasoning models: max_completion_tokens, unsupported sampling parameters dropped with a warning", () => {
    for (const model of ["o3", "o4-mini", "gpt-5", "openai/gpt-5-mini"]) {
      const { body, warnings } = encode(
        request({ sampling: { maxOutputTokens: 100, temperature: 0.5, topP: 0.8 } }),
        model,
      );
      expect(body.max_completion_tokens).toBe(100);
      expect(body.max_tokens).toBeUndefined();
      expect(body.temperature).toBeUndefined();
      expect(body.top_p).toBeUndefined();
      expect(codes(warnings)).toEqual(["sampling_dropped"]);
    }
  });

  it("reasoning: effort passes, budgets map through the shared table, max clamps to xhigh", () => {
    expect(encode(request({ reasoning: { enabled: true, effort: "low" } }), "o3").body.reasoning_effort).toBe(
      "low",
    );
    expect(
      encode(request({ reasoning: { enabled: true, budgetTokens: 3000 } }), "o3").body.reasoning_effort,
    ).toBe("medium");
    const max = encode(request({ reasoning: { enabled: true, effort: "max" } }), "gpt-5.2");
    expect(max.body.reasoning_effort).toBe("xhigh");
    expect(codes(max.warnings)).toEqual(["reasoning_effort_clamped"]);
  });

  it("reasoning disabled: never an effort except 'none' where it switches reasoning off", () => {
    expect(
      encode(request({ reasoning: { enabled: false } }), "deepseek-chat").body.reasoning_effort,
    ).toBeUndefined();
    expect(encode(request({ reasoning: { enabled: false } }), "gpt-5.1").body.reasoning_effort).toBe("none");
    const o3 = encode(request({ reasoning: { enabled: false, budgetTokens: 0 } }), "o3");
    expect(o3.body.reasoning_effort).toBeUndefined();
    expect(codes(o3.warnings)).toEqual(["reasoning_not_disabled"]);
    const gpt4 = encode(request({ reasoning: { enabled: true, effort: "high" } }), "gpt-4o");
    expect(gpt4.body.reasoning_effort).toBeUndefined();
    expect(codes(gpt4.warnings)).toEqual(["reasoning_dropped"]);
  });

  it("gpt-5.1 with reasoning off keeps its sampling parameters", () => {
    const { body } = encode(
      request({ reasoning: { enabled: false }, sampling: { temperature: 0.3 } }),
      "gpt-5.1",
    );
    expect(body).toMatchObject({ reasoning_effort: "none", temperature: 0.3 });
  });

  it("streaming always asks the upstream for usage", () => {
    const { body } = encode(request({ stream: true, includeUsage: false }));
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(encode(request()).body.stream).toBeUndefined();
  });

  it("tools: function and custom tools pass; server tools and defer_loading are dropped with warnings", () => {
    const { body, warnings } = encode(
      request({
        tools: [
          {
            kind: "function",
            name: "f",
            description: "does f",
            parameters: { type: "object" },
            strict: true,
          },
          { kind: "function", name: "g", parameters: { type: "object" }, deferLoading: true },
          { kind: "custom", name: "patch", format: { type: "text" } },
          {
            kind: "server",
            name: "web_search",
            type: "web_search_20250305",
            protocol: "anthropic",
            config: {},
          },
        ],
        toolChoice: { type: "tool", name: "patch" },
        parallelToolCalls: false,
      }),
    );
    expect(body.tools).toEqual([
      {
        type: "function",
        function: { name: "f", description: "does f", parameters: { type: "object" }, strict: true },
      },
      { type: "function", function: { name: "g", parameters: { type: "object" } } },
      { type: "custom", custom: { name: "patch", format: { type: "text" } } },
    ]);
    expect(body.tool_choice).toEqual({ type: "custom", custom: { name: "patch" } });
    expect(body.parallel_tool_calls).toBe(false);
    expect(codes(warnings).sort()).toEqual(["defer_loading_dropped", "server_tool_dropped"]);
  });

  it("tool_choice and parallel_tool_calls are not sent without tools; forcing a dropped tool warns", () => {
    const none = encode(request({ toolChoice: { type: "none" }, parallelToolCalls: true }));
    expect(none.body.tool_choice).toBeUndefined();
    expect(none.body.parallel_tool_calls).toBeUndefined();
    expect(none.warnings).toEqual([]);
    const forced = encode(
      request({
        tools: [
          {
            kind: "server",
            name: "web_search",
            type: "web_search",
            protocol: "openai-responses",
            config: {},
          },
        ],
        toolChoice: { type: "tool", name: "web_search" },
      }),
    );
    expect(forced.body.tool_choice).toBeUndefined();
    expect(codes(forced.warnings)).toContain("tool_choice_dropped");
    const named = encode(
      request({
        tools: [{ kind: "function", name: "f", parameters: {} }],
        toolChoice: { type: "tool", name: "f" },
      }),
    );
    expect(named.body.tool_choice).toEqual({ type: "function", function: { name: "f" } });
  });

  it("output format, metadata, previous_response_id warning", () => {
    const { body, warnings } = encode(
      request({
        output: { type: "json-schema", name: "out", schema: { type: "object" }, strict: true },
        metadata: { user: "u1", sessionId: "s1" },
        previousResponseId: "resp_1",
      }),
    );
    expect(body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "out", schema: { type: "object" }, strict: true },
    });
    expect(body.user).toBe("u1");
    expect(body.prompt_cache_key).toBe("s1");
    expect(codes(warnings)).toEqual(["previous_response_id_dropped"]);
    expect(encode(request({ output: { type: "json-object" } })).body.response_format).toEqual({
      type: "json_object",
    });
  });

  it("re-applies only openai-chat extensions (request and message level); names the others in a warning", () => {
    const { body, warnings } = encode(
      request({
        messages: [
          {
            role: "user",
            content: [{ type: "text", text: "q" }],
            extensions: { "openai-chat": { name: "alice" } },
          },
        ],
        extensions: { "openai-chat": { logit_bias: { "1": 2 }, model: "not-this" }, anthropic: { top_k: 3 } },
      }),
    );
    expect(body.logit_bias).toEqual({ "1": 2 });
    expect(body.model).toBe("gpt-4.1");
    expect(body.top_k).toBeUndefined();
    expect(body.messages).toEqual([{ role: "user", content: "q", name: "alice" }]);
    expect(warnings).toEqual([
      {
        code: "extensions_dropped",
        message: "anthropic fields with no Chat equivalent were not sent: top_k",
      },
    ]);
  });

  it("top_k has no Chat field: dropped with a warning", () => {
    const { body, warnings } = encode(request({ sampling: { topK: 40 } }));
    expect(body.top_k).toBeUndefined();
    expect(codes(warnings)).toEqual(["top_k_dropped"]);
  });
});
