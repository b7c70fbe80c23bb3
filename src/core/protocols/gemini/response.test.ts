import { describe, expect, it } from "vitest";
import { responseToEvents } from "../../model/accumulate.js";
import type { CanonicalResponse } from "../../model/response.js";
import {
  accumulateEvents,
  chunksToSse,
  decodeSse,
  fixtureJson,
  fixtureText,
  parseJson,
  testContext,
} from "./__fixtures__/support.js";
import { decodeGeminiResponse, encodeGeminiResponse } from "./response.js";
import { createGeminiStreamEncoder } from "./stream-encode.js";

const NON_STREAM_FIXTURES = [
  "vercel-ai/google/google-text.json",
  "vercel-ai/google/google-reasoning.json",
  "vercel-ai/google/google-reasoning-gemini3.json",
  "vercel-ai/google/google-tool-call.json",
  "vercel-ai/google/google-tool-call-gemini3.json",
  "pydantic-ai/extracted/test_google/test_google_tool_config_any_with_tool_without_args/01-response.json",
  "pydantic-ai/extracted/test_google/test_google_tool_config_any_with_tool_without_args/02-response.json",
  "pydantic-ai/extracted/test_google/test_thinking_with_tool_calls_from_other_model/03-response.json",
  "js-genai/extracted/Client_Tests_test_thinking_generate_content_should_return_thought_field/01-response.json",
  "js-genai/extracted/Client_Tests_generateContent_ML_Dev_can_use_JSON_schema_in_parameters_to_build_FunctionDeclaration/01-response.json",
  "js-genai/extracted/MCP_related_client_Tests_generateContent_ML_Dev_test_with_greeter_server_(parameter_as_nullable_union_type)/01-response.json",
];

const STREAM_FIXTURES = [
  "google-text",
  "google-reasoning",
  "google-reasoning-gemini3",
  "google-tool-call",
  "google-tool-call-gemini3",
  "google-stream-no-args-tool-call",
  "google-stream-tool-call-arguments",
  "google-stream-tool-call-array-arguments-missing-terminal-function-call",
  "google-vertex-stream-tool-call-arguments-nested.1",
];

/** Ids are minted per run; compare everything else. */
function withoutIds(response: CanonicalResponse): unknown {
  return {
    ...response,
    id: "<id>",
    content: response.content.map((part) => (part.type === "tool-call" ? { ...part, id: "<id>" } : part)),
  };
}

function decode(relative: string): CanonicalResponse {
  return decodeGeminiResponse(fixtureJson(relative), testContext());
}

function streamed(name: string): CanonicalResponse {
  return accumulateEvents(decodeSse(chunksToSse(fixtureText(`vercel-ai/google/${name}.chunks.txt`))));
}

/** Content with the recording-specific values (ids, signature bytes) masked. */
function shape(response: CanonicalResponse): unknown {
  return {
    finishReason: response.finishReason,
    content: response.content.map((part) => {
      if (part.type === "tool-call")
        return { call: part.name, arguments: parseJson(part.arguments), signed: part.signature?.origin };
      if (part.type === "thinking") return { thinking: part.text, signed: part.signature?.origin };
      return { text: part.text };
    }),
  };
}

describe("Gemini non-stream responses on recorded traffic", () => {
  it("google-tool-call.json: the call with its signature, STOP read as tool-calls, usage", () => {
    const response = decode("vercel-ai/google/google-tool-call.json");
    expect(response.id).toBe("m36LaZGyCLz1xs0PtNSB-QU");
    expect(response.model).toBe("gemini-3-pro-preview");
    expect(response.content).toEqual([
      {
        type: "tool-call",
        id: "call_1",
        name: "weather",
        arguments: '{"location":"San Francisco"}',
        signature: { origin: "gemini", value: expect.stringMatching(/^EskgCsYgAb4\+/) as unknown },
      },
    ]);
    expect(response.finishReason).toBe("tool-calls");
    expect(response.usage).toEqual({
      inputTokens: 29,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 15 + 893,
      reasoningTokens: 893,
    });
  });

  it("google-text.json: a signed text part becomes the text then its signature", () => {
    const response = decode("vercel-ai/google/google-text.json");
    expect(response.content.map((part) => part.type)).toEqual(["text", "thinking"]);
    expect(response.content[1]).toMatchObject({ text: "", signature: { origin: "gemini" } });
    expect(response.finishReason).toBe("stop");
  });

  it("js-genai thought field: thought text as thinking, MAX_TOKENS as length", () => {
    const response = decode(
      "js-genai/extracted/Client_Tests_test_thinking_generate_content_should_return_thought_field/01-response.json",
    );
    expect(response.content).toEqual([
      {
        type: "thinking",
        text: expect.stringContaining("**Breaking Down the Sum of Natural Numbers**") as unknown,
      },
    ]);
    expect(response.finishReason).toBe("length");
    expect(response.usage).toMatchObject({ inputTokens: 17, outputTokens: 19, reasoningTokens: 19 });
  });

  it("pydantic tool_config ANY with a tool without args: {} arguments", () => {
    const first = decode(
      "pydantic-ai/extracted/test_google/test_google_tool_config_any_with_tool_without_args/01-response.json",
    );
    expect(shape(first)).toEqual({
      finishReason: "tool-calls",
      content: [{ call: "bar", arguments: {}, signed: undefined }],
    });
    const second = decode(
      "pydantic-ai/extracted/test_google/test_google_tool_config_any_with_tool_without_args/02-response.json",
    );
    expect(shape(second)).toEqual({
      finishReason: "tool-calls",
      content: [{ call: "final_result", arguments: { bar: "hello" }, signed: undefined }],
    });
  });

  it("reads the JSON array streamGenerateContent returns without alt=sse", () => {
    const chunks = fixtureText("vercel-ai/google/google-stream-tool-call-arguments.chunks.txt")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => parseJson(line));
    expect(shape(decodeGeminiResponse(chunks, testContext()))).toEqual(
      shape(streamed("google-stream-tool-call-arguments")),
    );
  });

  it("a blocked prompt (promptFeedback only) is a content-filter finish with no content", () => {
    const response = decodeGeminiResponse(
      { promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, usageMetadata: { promptTokenCount: 5 } },
      testContext(),
    );
    expect(response.content).toEqual([]);
    expect(response.finishReason).toBe("content-filter");
  });

  it("an error body throws the decoded error; extra candidates and parts are reported", () => {
    expect(() =>
      decodeGeminiResponse(
        { error: { code: 400, message: "bad", status: "INVALID_ARGUMENT" } },
        testContext(),
      ),
    ).toThrowError(expect.objectContaining({ code: "invalid_request", message: "bad" }) as Error);
    const response = decodeGeminiResponse(
      {
        candidates: [
          {
            index: 0,
            content: {
              role: "model",
              parts: [{ text: "a" }, { inlineData: { mimeType: "image/png", data: "AA" } }],
            },
            finishReason: "STOP",
          },
          { index: 1, content: { role: "model", parts: [{ text: "b" }] }, finishReason: "STOP" },
        ],
      },
      testContext(),
    );
    expect(response.content).toEqual([{ type: "text", text: "a" }]);
    expect(response.warnings.map((warning) => warning.code).sort()).toEqual([
      "gemini_extra_candidates_dropped",
      "gemini_part_dropped",
    ]);
  });
});

describe("Gemini stream and non-stream agree", () => {
  it("the accumulated stream equals the non-stream result on the recorded pairs", () => {
    // Same recording content on both sides: exact equality apart from ids, signatures and usage.
    for (const name of ["google-reasoning", "google-tool-call", "google-tool-call-gemini3"]) {
      expect(shape(streamed(name))).toEqual(shape(decode(`vercel-ai/google/${name}.json`)));
    }
    // Different generations of the same prompt: the same structure.
    for (const name of ["google-text", "google-reasoning-gemini3"]) {
      const types = (response: CanonicalResponse) => [
        response.finishReason,
        ...response.content.map((part) => part.type),
      ];
      expect(types(streamed(name))).toEqual(types(decode(`vercel-ai/google/${name}.json`)));
    }
  });

  it("a stream and the generateContent body Gemini returns for it decode to the same response", () => {
    const chunks = [
      '{"candidates":[{"content":{"role":"model","parts":[{"text":"Let me ","thought":true}]}}],"responseId":"r1","modelVersion":"gemini-2.5-flash"}',
      '{"candidates":[{"content":{"role":"model","parts":[{"text":"think.","thought":true}]}}],"responseId":"r1","modelVersion":"gemini-2.5-flash"}',
      '{"candidates":[{"content":{"role":"model","parts":[{"text":"Calling.","thoughtSignature":"SIG"}]}}],"responseId":"r1","modelVersion":"gemini-2.5-flash"}',
      '{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"f","args":{"x":[1,2]}}},{"functionCall":{"name":"g","args":{}}}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":50,"cachedContentTokenCount":20,"candidatesTokenCount":9,"thoughtsTokenCount":7},"responseId":"r1","modelVersion":"gemini-2.5-flash"}',
    ];
    const body = {
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "Let me think.", thought: true },
              { text: "Calling.", thoughtSignature: "SIG" },
              { functionCall: { name: "f", args: { x: [1, 2] } } },
              { functionCall: { name: "g", args: {} } },
            ],
          },
          finishReason: "STOP",
        },
      ],
      usageMetadata: {
        promptTokenCount: 50,
        cachedContentTokenCount: 20,
        candidatesTokenCount: 9,
        thoughtsTokenCount: 7,
      },
      responseId: "r1",
      modelVersion: "gemini-2.5-flash",
    };
    const fromStream = accumulateEvents(decodeSse(chunksToSse(chunks.join("\n"))));
    const whole = decodeGeminiResponse(body, testContext());
    expect(fromStream).toEqual(whole);
    expect(whole.usage).toEqual({
      inputTokens: 30,
      cacheReadTokens: 20,
      cacheWriteTokens: 0,
      outputTokens: 16,
      reasoningTokens: 7,
    });
    expect(whole.finishReason).toBe("tool-calls");
  });

  it("every non-stream fixture survives the streaming path unchanged (encoder -> SSE -> decoder -> reducer)", () => {
    for (const relative of NON_STREAM_FIXTURES) {
      const response = decode(relative);
      let sse = "";
      const encoder = createGeminiStreamEncoder({ model: response.model }, testContext(), (text) => {
        sse += text;
      });
      for (const event of responseToEvents(response)) encoder.push(event);
      encoder.end();
      expect(withoutIds(accumulateEvents(decodeSse(sse))), relative).toEqual(withoutIds(response));
    }
  });

  it("every streamed fixture survives generateContent encoding unchanged", () => {
    for (const name of STREAM_FIXTURES) {
      const response = streamed(name);
      const body = encodeGeminiResponse(response, { model: response.model });
      expect(withoutIds(decodeGeminiResponse(body, testContext())), name).toEqual(withoutIds(response));
    }
  });
});

describe("Gemini response encoding", () => {
  const response: CanonicalResponse = {
    id: "msg_1",
    model: "claude-x",
    created: 1,
    content: [
      { type: "thinking", text: "hmm", signature: { origin: "anthropic", value: "anthropic-sig" } },
      { type: "text", text: "Here." },
      { type: "tool-call", id: "toolu_1", name: "lookup", arguments: '{"q":"a"}' },
      { type: "tool-call", id: "toolu_2", name: "ping", arguments: "" },
    ],
    finishReason: "tool-calls",
    usage: {
      inputTokens: 10,
      cacheReadTokens: 5,
      cacheWriteTokens: 2,
      outputTokens: 30,
      reasoningTokens: 12,
    },
    warnings: [],
  };

  it("reports the client's model, maps finish and usage, carries a foreign signature on the next call", () => {
    expect(encodeGeminiResponse(response, { model: "gemini-pro-alias" })).toEqual({
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "hmm", thought: true },
              { text: "Here." },
              {
                functionCall: { id: "toolu_1", name: "lookup", args: { q: "a" } },
                thoughtSignature: "llmux1:anthropic:anthropic-sig",
              },
              { functionCall: { id: "toolu_2", name: "ping", args: {} } },
            ],
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 17,
        candidatesTokenCount: 18,
        totalTokenCount: 47,
        cachedContentTokenCount: 5,
        thoughtsTokenCount: 12,
      },
      modelVersion: "gemini-pro-alias",
      createTime: "1970-01-01T00:00:01.000Z",
      responseId: "msg_1",
    });
  });

  it("puts a Gemini signature back on the part that carried it", () => {
    const body = encodeGeminiResponse(
      {
        ...response,
        content: [
          { type: "text", text: "Answer" },
          { type: "thinking", text: "", signature: { origin: "gemini", value: "SIG" } },
        ],
        finishReason: "length",
      },
      { model: "m" },
    );
    expect(body.candidates).toEqual([
      {
        content: { role: "model", parts: [{ text: "Answer", thoughtSignature: "SIG" }] },
        finishReason: "MAX_TOKENS",
        index: 0,
      },
    ]);
  });

  it("is stable: decode(encode(decode(x))) equals decode(x) on every fixture", () => {
    for (const relative of NON_STREAM_FIXTURES) {
      const first = decode(relative);
      const again = decodeGeminiResponse(encodeGeminiResponse(first, { model: first.model }), testContext());
      expect(withoutIds(again), relative).toEqual(withoutIds(first));
    }
  });
});
