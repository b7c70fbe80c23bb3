import { describe, expect, it } from "vitest";
import { canonicalRequest } from "../../model/__fixtures__/canonical-request.js";
import type { JsonObject } from "../../model/json.js";
import type { CanonicalRequest } from "../../model/request.js";
import { testContext } from "./__fixtures__/fixtures.js";
import { openAiResponsesAdapter } from "./index.js";

const baseRequest = canonicalRequest;

function encode(request: CanonicalRequest, model = "gpt-5.1") {
  return openAiResponsesAdapter.encodeRequest(request, { model }, testContext());
}

describe("encodeRequest: conversation", () => {
  it("sends the first system part as instructions and later ones as a leading system item", () => {
    const { body } = encode(
      baseRequest({
        system: [
          { type: "text", text: "Be brief." },
          { type: "text", text: "  " },
          { type: "text", text: "Use metric units." },
        ],
      }),
    );
    expect(body.model).toBe("gpt-5.1");
    expect(body.instructions).toBe("Be brief.");
    expect(body.input).toEqual([
      { type: "message", role: "system", content: [{ type: "input_text", text: "Use metric units." }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
    ]);
  });

  it("turns an Anthropic-style tool loop into Responses items, in order, without made-up item ids", () => {
    const { body, warnings } = encode(
      baseRequest({
        messages: [
          { role: "user", content: [{ type: "text", text: "weather?" }] },
          {
            role: "assistant",
            content: [
              { type: "text", text: " " },
              { type: "tool-call", id: "toolu_01", name: "weather", arguments: '{"city":"Rome"}' },
              { type: "tool-call", id: "toolu_02", name: "time", arguments: "" },
            ],
          },
          {
            role: "tool",
            content: [
              { type: "tool-result", callId: "toolu_01", content: [{ type: "text", text: "sunny" }] },
              {
                type: "tool-result",
                callId: "toolu_02",
                content: [{ type: "text", text: "boom" }],
                isError: true,
              },
            ],
          },
          { role: "system", content: [{ type: "text", text: "be careful" }] },
          { role: "assistant", content: [{ type: "text", text: "It is sunny." }] },
        ],
      }),
    );
    expect(body.input).toEqual([
      { type: "message", role: "user", content: [{ type: "input_text", text: "weather?" }] },
      { type: "function_call", call_id: "toolu_01", name: "weather", arguments: '{"city":"Rome"}' },
      { type: "function_call", call_id: "toolu_02", name: "time", arguments: "{}" },
      { type: "function_call_output", call_id: "toolu_01", output: "sunny" },
      { type: "function_call_output", call_id: "toolu_02", output: "boom" },
      { type: "message", role: "developer", content: [{ type: "input_text", text: "be careful" }] },
      {
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "It is sunny.", annotations: [] }],
      },
    ]);
    expect(warnings.map((warning) => warning.code)).toEqual(["tool_error_flag_dropped"]);
  });

  it("sends custom tool calls and their outputs as custom items, and images in results as parts", () => {
    const { body } = encode(
      baseRequest({
        messages: [
          {
            role: "assistant",
            content: [
              { type: "tool-call", id: "c1", name: "apply_patch", arguments: "*** Begin", kind: "custom" },
            ],
          },
          {
            role: "tool",
            content: [
              {
                type: "tool-result",
                callId: "c1",
                content: [
                  { type: "text", text: "ok" },
                  { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAAA" } },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(body.input).toEqual([
      { type: "custom_tool_call", call_id: "c1", name: "apply_patch", input: "*** Begin" },
      {
        type: "custom_tool_call_output",
        call_id: "c1",
        output: [
          { type: "input_text", text: "ok" },
          { type: "input_image", image_url: "data:image/png;base64,AAAA" },
        ],
      },
    ]);
  });

  it("keeps the message phase of a Responses client's assistant turn", () => {
    const { body } = encode(
      baseRequest({
        messages: [
          {
            role: "assistant",
            content: [{ type: "text", text: "Checking." }],
            extensions: { "openai-responses": { phase: "commentary" } },
          },
        ],
      }),
    );
    expect((body.input as JsonObject[])[0]).toMatchObject({ role: "assistant", phase: "commentary" });
  });
});

describe("encodeRequest: reasoning artifacts", () => {
  it("replays this protocol's encrypted reasoning as one item (id only when known) and drops foreign thinking", () => {
    const { body, warnings } = encode(
      baseRequest({
        messages: [
          {
            role: "assistant",
            content: [
              { type: "thinking", text: "part one", itemId: "rs_9" },
              {
                type: "thinking",
                text: "part two",
                itemId: "rs_9",
                signature: { origin: "openai-responses", value: "encA" },
              },
              { type: "thinking", text: "", signature: { origin: "openai-responses", value: "encB" } },
              { type: "thinking", text: "claude thought", signature: { origin: "anthropic", value: "sig" } },
              { type: "thinking", text: "", redactedData: "redacted" },
              { type: "thinking", text: "unsigned chat reasoning" },
              {
                type: "tool-call",
                id: "call_g",
                name: "f",
                arguments: "{}",
                signature: { origin: "gemini", value: "thought-sig" },
              },
            ],
          },
        ],
      }),
    );
    expect(body.input).toEqual([
      {
        type: "reasoning",
        id: "rs_9",
        summary: [
          { type: "summary_text", text: "part one" },
          { type: "summary_text", text: "part two" },
        ],
        encrypted_content: "encA",
      },
      { type: "reasoning", summary: [], encrypted_content: "encB" },
      { type: "function_call", call_id: "call_g", name: "f", arguments: "{}" },
    ]);
    expect(warnings.map((warning) => warning.code)).toEqual([
      "reasoning_dropped",
      "tool_call_signature_dropped",
    ]);
    expect(warnings[0]?.message).toMatch(/^3 thinking part/);
  });

  it("always asks for encrypted reasoning, sends store false and never previous_response_id", () => {
    const { body } = encode(
      baseRequest({
        store: true,
        previousResponseId: "resp_old",
        extensions: { "openai-responses": { include: ["message.output_text.logprobs"] } },
      }),
    );
    expect(body.include).toEqual(["message.output_text.logprobs", "reasoning.encrypted_content"]);
    expect(body.store).toBe(false);
    expect(body).not.toHaveProperty("previous_response_id");
  });
});

describe("encodeRequest: parameters", () => {
  it("maps a thinking budget to an effort through the shared table, and max to xhigh", () => {
    const effort = (reasoning: CanonicalRequest["reasoning"]) =>
      (
        encode(baseRequest(reasoning === undefined ? {} : { reasoning })).body.reasoning as
          | JsonObject
          | undefined
      )?.effort;
    expect(effort({ enabled: true, budgetTokens: 2000 })).toBe("low");
    expect(effort({ enabled: true, budgetTokens: 20000 })).toBe("high");
    expect(effort({ enabled: true, effort: "max" })).toBe("xhigh");
    expect(effort({ enabled: true, effort: "medium", budgetTokens: 100 })).toBe("medium");
  });

  it("asks for summaries when thoughts are wanted, keeping a client's summary mode", () => {
    expect(
      encode(baseRequest({ reasoning: { enabled: true, includeThoughts: true } })).body.reasoning,
    ).toEqual({
      summary: "auto",
    });
    const withMode = encode(
      baseRequest({
        reasoning: { enabled: true, effort: "low", includeThoughts: true },
        extensions: { "openai-responses": { reasoning: { summary: "detailed" } } },
      }),
    );
    expect(withMode.body.reasoning).toEqual({ effort: "low", summary: "detailed" });
  });

  it("never sends an effort with disabled reasoning", () => {
    const disabled = encode(baseRequest({ reasoning: { enabled: false } }));
    expect(disabled.body).not.toHaveProperty("reasoning");
    expect(disabled.warnings.map((warning) => warning.code)).toEqual(["reasoning_disable_unsupported"]);
    expect(encode(baseRequest({ reasoning: { enabled: false, effort: "none" } })).body.reasoning).toEqual({
      effort: "none",
    });
  });

  it("sends tools with an explicit strict flag and drops other protocols' server tools with a warning", () => {
    const { body, warnings } = encode(
      baseRequest({
        tools: [
          { kind: "function", name: "f", parameters: { type: "object", properties: {} } },
          { kind: "function", name: "g", description: "G", parameters: { type: "object" }, strict: true },
          { kind: "custom", name: "apply_patch", format: { type: "grammar" } },
          {
            kind: "server",
            name: "web_search",
            type: "web_search_20250305",
            protocol: "anthropic",
            config: {},
          },
          {
            kind: "server",
            name: "web_search",
            type: "web_search",
            protocol: "openai-responses",
            config: { type: "web_search" },
          },
        ],
        toolChoice: { type: "tool", name: "apply_patch" },
        parallelToolCalls: false,
      }),
    );
    expect(body.tools).toEqual([
      { type: "function", name: "f", parameters: { type: "object", properties: {} }, strict: false },
      { type: "function", name: "g", description: "G", parameters: { type: "object" }, strict: true },
      { type: "custom", name: "apply_patch", format: { type: "grammar" } },
      { type: "web_search" },
    ]);
    expect(body.tool_choice).toEqual({ type: "custom", name: "apply_patch" });
    expect(body.parallel_tool_calls).toBe(false);
    expect(warnings.map((warning) => warning.code)).toEqual(["server_tool_dropped"]);
  });

  it("maps output format, sampling and metadata, and warns about parameters Responses lacks", () => {
    const { body, warnings } = encode(
      baseRequest({
        output: { type: "json-schema", schema: { type: "object" }, strict: true },
        sampling: { maxOutputTokens: 256, temperature: 0.5, topP: 0.8, topK: 40, stop: ["END"] },
        metadata: { user: "u", sessionId: "s" },
        stream: true,
      }),
      "gpt-4.1",
    );
    expect(body).toMatchObject({
      text: { format: { type: "json_schema", name: "response", schema: { type: "object" }, strict: true } },
      max_output_tokens: 256,
      temperature: 0.5,
      top_p: 0.8,
      user: "u",
      prompt_cache_key: "s",
      stream: true,
    });
    expect(body).not.toHaveProperty("top_k");
    expect(warnings).toEqual([
      { code: "sampling_dropped", message: "Responses does not accept top_k, stop; dropped" },
    ]);
  });

  it("drops temperature and top_p for reasoning models with a warning, as the Chat encoder does", () => {
    const sampling = { temperature: 0.3, topP: 0.9 };
    for (const model of ["o4-mini", "gpt-5", "openai/o3", "gpt-5.1"]) {
      const { body, warnings } = encode(baseRequest({ sampling }), model);
      expect(body, model).not.toHaveProperty("temperature");
      expect(body, model).not.toHaveProperty("top_p");
      expect(warnings, model).toEqual([
        { code: "sampling_dropped", message: `${model} is a reasoning model; dropped temperature, top_p` },
      ]);
    }
    // gpt-5-chat is not a reasoning model; gpt-5.1 with reasoning off takes sampling again.
    for (const [model, reasoning] of [
      ["gpt-5-chat-latest", undefined],
      ["gpt-5.1", { enabled: false, effort: "none" }],
    ] as const) {
      const { body, warnings } = encode(
        baseRequest(reasoning === undefined ? { sampling } : { sampling, reasoning }),
        model,
      );
      expect(body, model).toMatchObject({ temperature: 0.3, top_p: 0.9 });
      expect(warnings, model).toEqual([]);
    }
  });

  it("re-applies its own extensions and ignores other protocols' ones", () => {
    const { body } = encode(
      baseRequest({
        extensions: {
          "openai-responses": { service_tier: "flex", text: { verbosity: "low" } },
          anthropic: { context_management: { edits: [] } },
        },
      }),
    );
    expect(body.service_tier).toBe("flex");
    expect(body.text).toEqual({ verbosity: "low" });
    expect(body).not.toHaveProperty("context_management");
  });
});
