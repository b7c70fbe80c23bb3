import { describe, expect, it } from "vitest";
import { LlmuxError } from "../../model/errors.js";
import type { JsonObject } from "../../model/json.js";
import type { CanonicalResponse } from "../../model/response.js";
import { emptyUsage } from "../../model/usage.js";
import { readJson, testContext } from "./__fixtures__/fixtures.js";
import { openAiResponsesAdapter } from "./index.js";

function decode(body: unknown): CanonicalResponse {
  return openAiResponsesAdapter.decodeResponse(body, testContext());
}

function encode(response: CanonicalResponse): JsonObject {
  return openAiResponsesAdapter.encodeResponse(response, { model: "client-model" }, testContext());
}

const RESPONSES = "vercel-ai/openai/responses";

describe("decodeResponse: recorded bodies", () => {
  it("reads encrypted reasoning with its summary, then the answer", () => {
    const response = decode(readJson(`${RESPONSES}/openai-reasoning-encrypted-content.1.json`));
    expect(response.id).toBe("resp_0f35ed53160b395301693cc957829881909359e7f80cdd20b5");
    expect(response.model).toBe("gpt-5-mini-2025-08-07");
    expect(response.created).toBe(1765591383);
    const [thinking, text] = response.content;
    expect(thinking).toMatchObject({
      type: "thinking",
      itemId: "rs_0f35ed53160b395301693cc95817ac8190b978637daea4987e",
      signature: { origin: "openai-responses" },
    });
    expect(thinking?.type === "thinking" && thinking.text.startsWith("**Reporting final result**")).toBe(
      true,
    );
    expect(thinking?.type === "thinking" && thinking.signature?.value.startsWith("gAAAAABpPMlc")).toBe(true);
    expect(text).toEqual({
      type: "text",
      text: "12 + 7 = 19\n19 × 3 = 57\n57 × 10 = 570\n\nFinal result: 570",
    });
    expect(response.finishReason).toBe("stop");
    expect(response.usage).toEqual({
      inputTokens: 865,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 163,
      reasoningTokens: 128,
    });
  });

  it("reads a custom tool call as a tool turn with its raw input", () => {
    const response = decode(readJson(`${RESPONSES}/openai-custom-tool.1.json`));
    expect(response.content).toEqual([
      {
        type: "tool-call",
        id: "call_custom_sql_001",
        name: "write_sql",
        arguments: "SELECT * FROM users WHERE age > 25",
        kind: "custom",
      },
    ]);
    expect(response.finishReason).toBe("tool-calls");
  });

  it("takes cached tokens out of input tokens (LM Studio via Open Responses)", () => {
    const response = decode(readJson("vercel-ai/open-responses/responses/lmstudio-tool-call.1.json"));
    expect(response.content).toEqual([
      {
        type: "tool-call",
        id: "call_2866856768160095",
        name: "weather",
        arguments: '{"location":"San Francisco"}',
      },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 1189 - 891,
      cacheReadTokens: 891,
      cacheWriteTokens: 0,
      outputTokens: 11,
      reasoningTokens: 0,
    });
  });

  it("unwraps a multi_tool_use.parallel wrapper into the calls it holds", () => {
    const response = decode(readJson(`${RESPONSES}/parallel-tool-call-wrapper.1.json`));
    expect(response.content).toEqual([
      {
        type: "tool-call",
        id: "call_parallel_0",
        name: "weather",
        arguments: '{"location":"San Francisco"}',
      },
      { type: "tool-call", id: "call_parallel_1", name: "cityAttractions", arguments: '{"city":"Rome"}' },
    ]);
    expect(response.finishReason).toBe("tool-calls");
  });

  it("warns about hosted tool items and citations it cannot carry", () => {
    const search = decode(readJson(`${RESPONSES}/openai-web-search-tool.1.json`));
    expect(search.warnings.map((warning) => warning.code)).toEqual([
      "output_item_dropped",
      "annotations_dropped",
    ]);
    expect(search.content.at(-1)?.type).toBe("text");
    const shell = decode(readJson(`${RESPONSES}/openai-local-shell-tool.1.json`));
    expect(shell.warnings).toEqual([
      {
        code: "output_item_dropped",
        message: "output item of type local_shell_call has no canonical form; dropped",
      },
    ]);
  });
});

describe("decodeResponse: status", () => {
  const body = (fields: JsonObject): JsonObject => ({
    id: "resp_1",
    model: "m",
    created_at: 1,
    output: [{ type: "message", role: "assistant", content: [{ type: "output_text", text: "partial" }] }],
    ...fields,
  });

  it("maps incomplete reasons to length and content filter", () => {
    expect(
      decode(body({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } }))
        .finishReason,
    ).toBe("length");
    expect(
      decode(body({ status: "incomplete", incomplete_details: { reason: "content_filter" } })).finishReason,
    ).toBe("content-filter");
  });

  it("maps a refusal part to text marked as a refusal", () => {
    const response = decode(
      body({
        status: "completed",
        output: [
          { type: "message", role: "assistant", content: [{ type: "refusal", refusal: "I can't help." }] },
        ],
      }),
    );
    expect(response.content).toEqual([{ type: "text", text: "I can't help.", refusal: true }]);
    expect(response.finishReason).toBe("refusal");
  });

  it("throws the upstream error of a failed response instead of returning an empty answer", () => {
    let error: unknown;
    try {
      decode(body({ status: "failed", output: [], error: { code: "server_error", message: "boom" } }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LlmuxError);
    expect((error as LlmuxError).code).toBe("upstream_error");
    expect((error as LlmuxError).message).toBe("boom");
  });
});

describe("encodeResponse", () => {
  const response: CanonicalResponse = {
    id: "msg_01Anthropic",
    model: "claude-sonnet",
    created: 1700000000,
    content: [
      { type: "thinking", text: "Let me think.", signature: { origin: "anthropic", value: "EqQBsig" } },
      { type: "text", text: "Calling the tool." },
      { type: "tool-call", id: "toolu_01", name: "weather", arguments: '{"city":"Rome"}' },
      { type: "tool-call", id: "toolu_02", name: "now", arguments: "" },
    ],
    finishReason: "tool-calls",
    usage: {
      inputTokens: 10,
      cacheReadTokens: 90,
      cacheWriteTokens: 5,
      outputTokens: 40,
      reasoningTokens: 12,
    },
    warnings: [],
  };

  it("renders a complete Response object reporting the client's model", () => {
    const body = encode(response);
    expect(body).toMatchObject({
      id: "msg_01Anthropic",
      object: "response",
      created_at: 1700000000,
      status: "completed",
      incomplete_details: null,
      error: null,
      model: "client-model",
    });
    expect(body.output).toEqual([
      {
        id: "rs_1",
        type: "reasoning",
        summary: [{ type: "summary_text", text: "Let me think." }],
        encrypted_content: "llmux1:anthropic:EqQBsig",
      },
      {
        id: "msg_2",
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Calling the tool.", annotations: [], logprobs: [] }],
      },
      {
        id: "fc_3",
        type: "function_call",
        status: "completed",
        arguments: '{"city":"Rome"}',
        call_id: "toolu_01",
        name: "weather",
      },
      {
        id: "fc_4",
        type: "function_call",
        status: "completed",
        arguments: "{}",
        call_id: "toolu_02",
        name: "now",
      },
    ]);
  });

  it("reports usage with cached tokens inside input tokens, counted once", () => {
    expect(encode(response).usage).toEqual({
      input_tokens: 105,
      input_tokens_details: { cached_tokens: 90, cache_write_tokens: 5 },
      output_tokens: 40,
      output_tokens_details: { reasoning_tokens: 12 },
      total_tokens: 145,
    });
  });

  it("marks a length stop as incomplete and text marked as a refusal as refusal content", () => {
    const text: CanonicalResponse = {
      ...response,
      content: [{ type: "text", text: "no" }],
      usage: emptyUsage(),
    };
    expect(encode({ ...text, finishReason: "length" })).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
    });
    expect(encode({ ...text, finishReason: "content-filter" })).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "content_filter" },
    });
    const refused = encode({
      ...text,
      content: [{ type: "text", text: "no", refusal: true }],
      finishReason: "refusal",
    });
    expect(refused.status).toBe("completed");
    expect(refused.output).toEqual([
      {
        id: "msg_1",
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "refusal", refusal: "no" }],
      },
    ]);
    // Unmarked text stays output_text whatever the finish reason, as the stream sends it.
    const unmarked = encode({ ...text, finishReason: "refusal" });
    expect(unmarked.output).toMatchObject([{ content: [{ type: "output_text", text: "no" }] }]);
  });

  it("passes this protocol's encrypted content bare and keeps a known reasoning item id", () => {
    const body = encode({
      ...response,
      content: [
        {
          type: "thinking",
          text: "",
          itemId: "rs_real",
          signature: { origin: "openai-responses", value: "gAAAA" },
        },
      ],
    });
    expect(body.output).toEqual([
      { id: "rs_real", type: "reasoning", summary: [], encrypted_content: "gAAAA" },
    ]);
  });
});
