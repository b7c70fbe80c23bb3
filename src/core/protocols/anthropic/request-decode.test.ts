import { describe, expect, it } from "vitest";
import { LlmuxError } from "../../model/errors.js";
import { cassetteRequestBody } from "./__fixtures__/support.js";
import { decodeAnthropicRequest } from "./request-decode.js";

function invalid(body: unknown): LlmuxError {
  try {
    decodeAnthropicRequest(body);
  } catch (error) {
    if (error instanceof LlmuxError) return error;
    throw error;
  }
  throw new Error("expected the request to be rejected");
}

const base = { model: "claude-sonnet-4-5", max_tokens: 1024 };

describe("anthropic request decoding: validation", () => {
  it("names the path of a bad field", () => {
    const error = invalid({
      ...base,
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: [{ type: "text" }] },
      ],
    });
    expect(error.code).toBe("invalid_request");
    expect(error.status).toBe(400);
    expect(error.param).toBe("messages[1].content[0].text");
    expect(error.message).toMatch(/^messages\[1\]\.content\[0\]\.text: /);
  });

  it("rejects a missing model, a bad role and a bad tool choice", () => {
    expect(invalid({ messages: [] }).param).toBe("model");
    expect(invalid({ ...base, messages: [{ role: "tool", content: "x" }] }).param).toBe("messages[0].role");
    expect(invalid({ ...base, messages: [], tool_choice: { type: "some" } }).param).toBe("tool_choice.type");
    expect(invalid({ ...base, messages: [], tools: [{ name: "f", input_schema: 3 }] }).param).toBe(
      "tools[0].input_schema",
    );
    expect(invalid("not an object").param).toBe("body");
  });

  it("checks nested blocks of known types and tolerates unknown ones", () => {
    const error = invalid({
      ...base,
      messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", data: "x" } }] }],
    });
    expect(error.param).toBe("messages[0].content[0].source.media_type");
    const decoded = decodeAnthropicRequest({
      ...base,
      messages: [{ role: "user", content: [{ type: "future_block", anything: 1 }] }],
    });
    expect(decoded.request.messages[0]?.extensions).toEqual({
      anthropic: { blocks: [{ at: 0, block: { type: "future_block", anything: 1 } }] },
    });
  });
});

describe("anthropic request decoding: recorded requests", () => {
  it("keeps mid-conversation system messages in place and the leading one in system", () => {
    const { request } = decodeAnthropicRequest(
      cassetteRequestBody(
        "pydantic-ai/extracted/test_anthropic_mid_conversation_system/test_two_mid_conversation_system_prompts_keep_their_order/01-request.json",
      ),
    );
    expect(request.system).toEqual([{ type: "text", text: "You are a code reviewer." }]);
    expect(request.messages.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "user",
      "user",
      "system",
      "system",
    ]);
    expect(request.messages[4]?.content).toEqual([
      { type: "text", text: "From now on, every suggestion must include explicit type annotations." },
    ]);
    expect(request.messages[5]?.content).toEqual([
      { type: "text", text: "Also always state the time complexity." },
    ]);
    expect(request.sampling.maxOutputTokens).toBe(4096);
    expect(request.stream).toBe(false);
  });

  it("turns parallel tool results into one tool message carrying the tool names", () => {
    const { request } = decodeAnthropicRequest(
      cassetteRequestBody(
        "pydantic-ai/extracted/test_anthropic/test_multiple_parallel_tool_calls/02-request.json",
      ),
    );
    expect(request.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool"]);
    const calls = request.messages[1]?.content.filter((part) => part.type === "tool-call");
    expect(calls?.map((call) => call.type === "tool-call" && [call.id, call.arguments])).toEqual([
      ["toolu_0167cfEnoQaPviGdVXA95zcu", '{"name":"Alice"}'],
      ["toolu_01EEe2V5HD1Ac4rKiUR4HD2T", '{"name":"Bob"}'],
      ["toolu_01XFyAjstT3966qvRynZyVPo", '{"name":"Charlie"}'],
      ["toolu_013mnQZbgtK2oe3Mo3XKJsx3", '{"name":"Daisy"}'],
    ]);
    expect(request.messages[2]?.content[0]).toEqual({
      type: "tool-result",
      callId: "toolu_0167cfEnoQaPviGdVXA95zcu",
      name: "retrieve_entity_info",
      content: [{ type: "text", text: "alice is bob's wife" }],
    });
    expect(request.messages[2]?.content).toHaveLength(4);
    expect(request.tools).toEqual([
      {
        kind: "function",
        name: "retrieve_entity_info",
        description: "Get the knowledge about the given entity.",
        parameters: {
          additionalProperties: false,
          properties: { name: { type: "string" } },
          required: ["name"],
          type: "object",
        },
      },
    ]);
    expect(request.toolChoice).toEqual({ type: "auto" });
    expect(request.system[0]?.text.trim().startsWith("Use the `retrieve_entity_info` tool")).toBe(true);
  });

  it("keeps replayed thinking with its Anthropic signature and the thinking budget", () => {
    const { request } = decodeAnthropicRequest(
      cassetteRequestBody(
        "pydantic-ai/extracted/test_anthropic/test_anthropic_tool_with_thinking/02-request.json",
      ),
    );
    const thinking = request.messages[1]?.content[0];
    expect(thinking?.type).toBe("thinking");
    if (thinking?.type !== "thinking") return;
    expect(thinking.signature?.origin).toBe("anthropic");
    expect(thinking.signature?.value.startsWith("EqEECkYICxgCKkAo3UA4")).toBe(true);
    expect(thinking.text.startsWith('The user is asking about the largest city in "the user country"')).toBe(
      true,
    );
    expect(request.reasoning).toEqual({ enabled: true, budgetTokens: 3000, includeThoughts: true });
    expect(request.messages[2]).toEqual({
      role: "tool",
      content: [
        {
          type: "tool-result",
          callId: "toolu_01YGzqpRE16Vricda3Aqcejo",
          name: "get_user_country",
          content: [{ type: "text", text: "Mexico" }],
        },
      ],
    });
  });

  it("keeps fields other upstreams reject in extensions.anthropic", () => {
    const mcp = decodeAnthropicRequest(
      cassetteRequestBody(
        "pydantic-ai/extracted/test_anthropic/test_anthropic_mcp_servers_stream/01-request.json",
      ),
    );
    expect(Object.keys(mcp.request.extensions.anthropic ?? {})).toEqual(["mcp_servers"]);
    expect(mcp.request.stream).toBe(true);
    const counting = decodeAnthropicRequest(
      cassetteRequestBody(
        "pydantic-ai/extracted/test_anthropic/test_anthropic_cache_count_tokens/01-request.json",
      ),
    );
    expect(counting.request.extensions.anthropic).toEqual({
      cache_control: { ttl: "5m", type: "ephemeral" },
    });
    expect(counting.request.sampling.maxOutputTokens).toBeUndefined();
  });
});

describe("anthropic request decoding: fields", () => {
  it("maps system blocks with cache control, images, documents and tool result content", () => {
    const { request } = decodeAnthropicRequest({
      ...base,
      system: [{ type: "text", text: "sys", cache_control: { type: "ephemeral", ttl: "1h" } }],
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
            {
              type: "document",
              source: { type: "base64", media_type: "application/pdf", data: "JVBE" },
              title: "a.pdf",
            },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "plain words" } },
          ],
        },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "shot", input: {} }] },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "t1",
              is_error: true,
              content: [
                { type: "text", text: "failed" },
                { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lG" } },
              ],
            },
            { type: "text", text: "try again" },
          ],
        },
      ],
    });
    expect(request.system).toEqual([
      { type: "text", text: "sys", cacheControl: { type: "ephemeral", ttl: "1h" } },
    ]);
    expect(request.messages[0]?.content).toEqual([
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAAA" } },
      { type: "image", source: { kind: "url", url: "https://example.com/cat.jpg" } },
      {
        type: "file",
        source: { kind: "base64", mediaType: "application/pdf", data: "JVBE" },
        filename: "a.pdf",
      },
      {
        type: "file",
        source: {
          kind: "base64",
          mediaType: "text/plain",
          data: Buffer.from("plain words").toString("base64"),
        },
      },
    ]);
    expect(request.messages.slice(2)).toEqual([
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            callId: "t1",
            name: "shot",
            isError: true,
            content: [
              { type: "text", text: "failed" },
              { type: "image", source: { kind: "base64", mediaType: "image/gif", data: "R0lG" } },
            ],
          },
        ],
      },
      { role: "user", content: [{ type: "text", text: "try again" }] },
    ]);
  });

  it("maps tools, server tools, tool choice and parallel calls", () => {
    const { request } = decodeAnthropicRequest({
      ...base,
      messages: [],
      tools: [
        { name: "lookup", input_schema: { type: "object" }, defer_loading: true, strict: true },
        { type: "web_search_20250305", name: "web_search", max_uses: 3 },
      ],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
    });
    expect(request.tools).toEqual([
      { kind: "function", name: "lookup", parameters: { type: "object" }, strict: true, deferLoading: true },
      {
        kind: "server",
        name: "web_search",
        type: "web_search_20250305",
        protocol: "anthropic",
        config: { max_uses: 3 },
      },
    ]);
    expect(request.toolChoice).toEqual({ type: "required" });
    expect(request.parallelToolCalls).toBe(false);
  });

  it("maps adaptive thinking with effort, structured output and disabled thinking", () => {
    const adaptive = decodeAnthropicRequest({
      ...base,
      messages: [],
      thinking: { type: "adaptive" },
      output_config: { effort: "high", format: { type: "json_schema", schema: { type: "object" } } },
    }).request;
    expect(adaptive.reasoning).toEqual({
      enabled: true,
      adaptive: true,
      includeThoughts: true,
      effort: "high",
    });
    expect(adaptive.output).toEqual({ type: "json-schema", schema: { type: "object" } });
    const beta = decodeAnthropicRequest({
      ...base,
      messages: [],
      output_format: { type: "json_schema", schema: { type: "object", properties: {} } },
    }).request;
    expect(beta.output).toEqual({ type: "json-schema", schema: { type: "object", properties: {} } });
    const disabled = decodeAnthropicRequest({
      ...base,
      messages: [],
      thinking: { type: "disabled" },
      output_config: { effort: "low" },
    });
    expect(disabled.request.reasoning).toEqual({ enabled: false });
    expect(disabled.warnings.map((warning) => warning.code)).toEqual(["effort_dropped"]);
  });

  it("reads the user and Claude Code's session id from metadata.user_id", () => {
    const session = "4b6c1f0e-2d0a-4c1e-9a55-0d1c2b3a4f5e";
    const claudeCode = decodeAnthropicRequest({
      ...base,
      messages: [],
      metadata: { user_id: `user_abc123_account__session_${session}` },
    }).request;
    expect(claudeCode.metadata).toEqual({
      user: `user_abc123_account__session_${session}`,
      sessionId: session,
    });
    const json = decodeAnthropicRequest({
      ...base,
      messages: [],
      metadata: { user_id: JSON.stringify({ device_id: "d", session_id: "s-1" }) },
    }).request;
    expect(json.metadata.sessionId).toBe("s-1");
    expect(
      decodeAnthropicRequest({ ...base, messages: [], metadata: { user_id: "plain" } }).request.metadata,
    ).toEqual({
      user: "plain",
    });
  });

  it("hoists leading system messages and decodes redacted thinking and sampling", () => {
    const { request } = decodeAnthropicRequest({
      ...base,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ["END"],
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: [
            { type: "redacted_thinking", data: "opaque" },
            { type: "text", text: "yo" },
          ],
        },
      ],
    });
    expect(request.system).toEqual([{ type: "text", text: "be brief" }]);
    expect(request.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(request.messages[1]?.content[0]).toEqual({ type: "thinking", text: "", redactedData: "opaque" });
    expect(request.sampling).toEqual({
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 1024,
      stop: ["END"],
    });
  });
});
