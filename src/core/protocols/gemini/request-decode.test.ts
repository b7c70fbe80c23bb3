import { type Content, GoogleGenAI, Type } from "@google/genai";
import { describe, expect, it } from "vitest";
import { LlmuxError } from "../../model/errors.js";
import type { CanonicalRequest } from "../../model/request.js";
import { fixtureRequest, parseJson, testContext } from "./__fixtures__/support.js";
import { decodeGeminiRequest } from "./request-decode.js";
import { encodeGeminiRequest } from "./request-encode.js";

function decodeFixture(relative: string): ReturnType<typeof decodeGeminiRequest> {
  const recorded = fixtureRequest(relative);
  return decodeGeminiRequest(
    recorded.body,
    { model: recorded.model, stream: recorded.stream },
    testContext(),
  );
}

function decodeBody(body: unknown, model = "gemini-2.5-flash"): CanonicalRequest {
  return decodeGeminiRequest(body, { model, stream: false }, testContext()).request;
}

function rejection(body: unknown): LlmuxError {
  try {
    decodeGeminiRequest(body, { model: "m" }, testContext());
  } catch (error) {
    if (error instanceof LlmuxError) return error;
    throw error;
  }
  throw new Error("expected the request to be rejected");
}

const REQUEST_FIXTURES = [
  "pydantic-ai/extracted/test_google/test_google_model_iter_stream/01-request.json",
  "pydantic-ai/extracted/test_google/test_google_model_iter_stream/03-request.json",
  "pydantic-ai/extracted/test_google/test_google_model_thinking_part_iter/01-request.json",
  "pydantic-ai/extracted/test_google/test_google_stream_usage_is_live_mid_stream/01-request.json",
  "pydantic-ai/extracted/test_google/test_google_streaming_tool_call_thought_signature/02-request.json",
  "pydantic-ai/extracted/test_google/test_google_tool_config_any_with_tool_without_args/02-request.json",
  "pydantic-ai/extracted/test_google/test_thinking_with_tool_calls_from_other_model/03-request.json",
  "pydantic-ai/extracted/test_stream_close/test_cancel_recorded_provider_stream[google]/01-request.json",
  "js-genai/extracted/Chats_Tests_chats_function_calling_Google_AI_with_function_calling_stream/02-request.json",
  "js-genai/extracted/Chats_Tests_chats_function_calling_Vertex_AI_with_streaming_function_calling_arguments_stream/02-request.json",
  "js-genai/extracted/Chats_Tests_sendMessage_Google_AI_with_empty_text_stream/01-request.json",
  "js-genai/extracted/Client_Tests_generateContentStream_ML_Dev_should_stream_generate_content_with_system_instruction/01-request.json",
  "js-genai/extracted/Client_Tests_generateContentStream_partial_function_calling_Vertex_AI_should_stream_generate_content_enabled_streamFunctionCallArguments/01-request.json",
  "js-genai/extracted/Client_Tests_generateContent_ML_Dev_can_use_JSON_schema_in_parameters_to_build_FunctionDeclaration/01-request.json",
  "js-genai/extracted/Client_Tests_test_thinking_generate_content_should_return_thought_field/01-request.json",
  "js-genai/extracted/MCP_related_client_Tests_generateContent_ML_Dev_test_with_greeter_server_(parameter_as_nullable_union_type)/01-request.json",
];

describe("Gemini request decoding on recorded traffic", () => {
  it("pydantic multi-turn tool history: system, calls with ids, results matched, OpenAPI schemas lower-cased", () => {
    const { request } = decodeFixture(
      "pydantic-ai/extracted/test_google/test_google_model_iter_stream/03-request.json",
    );
    expect(request.model).toBe("gemini-2.0-flash");
    expect(request.stream).toBe(true);
    expect(request.system).toEqual([{ type: "text", text: "You are a helpful chatbot." }]);
    expect(request.messages).toEqual([
      {
        role: "user",
        content: [{ type: "text", text: "What is the temperature of the capital of France?" }],
      },
      {
        role: "assistant",
        content: [
          {
            type: "tool-call",
            id: "pyd_ai_0e1a07b3c2b64d2ab3ad2efbe18e1b97",
            name: "get_capital",
            arguments: '{"country":"France"}',
          },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            callId: "pyd_ai_0e1a07b3c2b64d2ab3ad2efbe18e1b97",
            name: "get_capital",
            content: [{ type: "text", text: '{"return_value":"Paris"}' }],
          },
        ],
      },
      {
        role: "assistant",
        content: [
          {
            type: "tool-call",
            id: "pyd_ai_98b25d994c5648df82f683188629229d",
            name: "get_temperature",
            arguments: '{"city":"Paris"}',
          },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            callId: "pyd_ai_98b25d994c5648df82f683188629229d",
            name: "get_temperature",
            content: [{ type: "text", text: '{"return_value":"30°C"}' }],
          },
        ],
      },
    ]);
    expect(request.tools[0]).toEqual({
      kind: "function",
      name: "get_capital",
      description: "Get the capital of a country.",
      parameters: {
        properties: { country: { description: "The country name.", type: "string" } },
        required: ["country"],
        type: "object",
      },
    });
  });

  it("pydantic history from another model: placeholder signature is no signature; snake_case schema; ANY over two names", () => {
    const { request, warnings } = decodeFixture(
      "pydantic-ai/extracted/test_google/test_thinking_with_tool_calls_from_other_model/03-request.json",
    );
    const call = request.messages[1]?.content[0];
    expect(call).toEqual({
      type: "tool-call",
      id: "call_1w9YRdMtRTRucwZShoZYlLJp",
      name: "get_country",
      arguments: "{}",
    });
    expect(request.tools.map((tool) => (tool.kind === "function" ? tool.parameters : undefined))).toEqual([
      { additionalProperties: false, properties: {}, type: "object" },
      {
        properties: { city: { type: "string" }, country: { type: "string" } },
        required: ["city", "country"],
        type: "object",
      },
    ]);
    expect(request.toolChoice).toEqual({ type: "required" });
    expect(request.extensions.gemini).toEqual({
      generationConfig: { responseModalities: ["TEXT"] },
      toolConfig: { functionCallingConfig: { allowedFunctionNames: ["get_country", "final_result"] } },
    });
    expect(warnings.map((warning) => warning.code)).toContain("gemini_allowed_function_names");
  });

  it("js-genai Vertex history: a call replayed with partialArgs keeps its arguments; the result matches it by name", () => {
    const { request } = decodeFixture(
      "js-genai/extracted/Chats_Tests_chats_function_calling_Vertex_AI_with_streaming_function_calling_arguments_stream/02-request.json",
    );
    const [, model, tool] = request.messages;
    expect(model?.content[0]).toMatchObject({
      type: "tool-call",
      name: "customDivide",
      arguments: '{"denominator":2,"numerator":100}',
      signature: { origin: "gemini" },
    });
    const callId = model?.content[0]?.type === "tool-call" ? model.content[0].id : "";
    expect(tool).toEqual({
      role: "tool",
      content: [
        {
          type: "tool-result",
          callId,
          name: "customDivide",
          content: [{ type: "text", text: '{"result":51}' }],
        },
      ],
    });
    expect(request.extensions.gemini).toEqual({
      toolConfig: { functionCallingConfig: { streamFunctionCallArguments: true } },
    });
  });

  it("js-genai calls without ids get stable ids (a digest of place, name and arguments); an empty model text turn carries nothing", () => {
    const calls = decodeFixture(
      "js-genai/extracted/Chats_Tests_chats_function_calling_Google_AI_with_function_calling_stream/02-request.json",
    ).request;
    expect(calls.messages[1]?.content[0]).toEqual({
      type: "tool-call",
      id: "call_bb826306",
      name: "customDivide",
      arguments: '{"denominator":2,"numerator":100}',
    });
    const empty = decodeFixture(
      "js-genai/extracted/Chats_Tests_sendMessage_Google_AI_with_empty_text_stream/01-request.json",
    );
    expect(empty.request.messages.map((message) => message.role)).toEqual(["user", "user"]);
  });

  it("js-genai generation settings: system instruction, candidateCount, includeThoughts, maxOutputTokens", () => {
    const system = decodeFixture(
      "js-genai/extracted/Client_Tests_generateContentStream_ML_Dev_should_stream_generate_content_with_system_instruction/01-request.json",
    ).request;
    expect(system.system).toEqual([
      { type: "text", text: "I say high you say low, and then tell me why is the sky blue." },
    ]);
    expect(system.sampling).toEqual({ candidateCount: 1 });
    const thinking = decodeFixture(
      "js-genai/extracted/Client_Tests_test_thinking_generate_content_should_return_thought_field/01-request.json",
    ).request;
    expect(thinking.reasoning).toEqual({ enabled: true, includeThoughts: true });
    expect(thinking.sampling).toEqual({ candidateCount: 1, maxOutputTokens: 20 });
  });

  it("js-genai tool configs: ANY with one allowed name is that tool; AUTO is auto; JSON Schema kept as sent", () => {
    const named = decodeFixture(
      "js-genai/extracted/Client_Tests_generateContent_ML_Dev_can_use_JSON_schema_in_parameters_to_build_FunctionDeclaration/01-request.json",
    ).request;
    expect(named.toolChoice).toEqual({ type: "tool", name: "concatStringFunction" });
    const greeter = decodeFixture(
      "js-genai/extracted/MCP_related_client_Tests_generateContent_ML_Dev_test_with_greeter_server_(parameter_as_nullable_union_type)/01-request.json",
    ).request;
    expect(greeter.toolChoice).toEqual({ type: "auto" });
    expect(greeter.tools[0]).toMatchObject({
      parameters: {
        $schema: "http://json-schema.org/draft-07/schema#",
        additionalProperties: false,
        properties: { name: { type: ["string", "number", "null"] } },
      },
    });
  });

  it("decodes every recorded request, and encode(decode(x)) decodes to the same canonical request", () => {
    for (const relative of REQUEST_FIXTURES) {
      const recorded = fixtureRequest(relative);
      const first = decodeGeminiRequest(
        recorded.body,
        { model: recorded.model, stream: recorded.stream },
        testContext(),
      );
      const encoded = encodeGeminiRequest(first.request, { model: recorded.model });
      const second = decodeGeminiRequest(
        parseJson(JSON.stringify(encoded.body)),
        { model: recorded.model, stream: recorded.stream },
        testContext(),
      );
      expect(second.request, relative).toEqual(first.request);
    }
  });
});

describe("Gemini request decoding rules", () => {
  it("splits a user turn into its tool results (first) and the human content", () => {
    const request = decodeBody({
      contents: [
        { role: "user", parts: [{ text: "go" }] },
        {
          role: "model",
          parts: [{ functionCall: { name: "a", args: {} } }, { functionCall: { name: "b" } }],
        },
        {
          role: "user",
          parts: [
            { text: "also this" },
            { functionResponse: { name: "b", response: { output: "B done" } } },
            { functionResponse: { name: "a", response: { error: "A failed" } } },
            { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
          ],
        },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: [
          { type: "tool-call", id: "call_cc6dfcff", name: "a", arguments: "{}" },
          { type: "tool-call", id: "call_e9ecaa05", name: "b", arguments: "{}" },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            callId: "call_e9ecaa05",
            name: "b",
            content: [{ type: "text", text: "B done" }],
          },
          {
            type: "tool-result",
            callId: "call_cc6dfcff",
            name: "a",
            content: [{ type: "text", text: "A failed" }],
            isError: true,
          },
        ],
      },
      {
        role: "user",
        content: [
          { type: "text", text: "also this" },
          { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
        ],
      },
    ]);
  });

  it("reads media: inline images, file URIs, images inside function responses", () => {
    const request = decodeBody({
      contents: [
        {
          parts: [
            {
              fileData: {
                mimeType: "application/pdf",
                fileUri: "https://generativelanguage.googleapis.com/v1beta/files/abc",
              },
            },
            { fileData: { mimeType: "image/jpeg", fileUri: "gs://bucket/cat.jpg" } },
          ],
        },
        { role: "model", parts: [{ functionCall: { name: "shot", args: {} } }] },
        {
          role: "user",
          parts: [
            {
              functionResponse: {
                name: "shot",
                response: {},
                parts: [{ inlineData: { mimeType: "image/png", data: "AAAA" } }],
              },
            },
          ],
        },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      {
        type: "file",
        source: { kind: "url", url: "https://generativelanguage.googleapis.com/v1beta/files/abc" },
      },
      { type: "image", source: { kind: "url", url: "gs://bucket/cat.jpg" } },
    ]);
    expect(request.messages[2]?.content[0]).toEqual({
      type: "tool-result",
      callId: "call_ba5cf06e",
      name: "shot",
      content: [{ type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAAA" } }],
    });
  });

  it("keeps thinking parts and signatures where they were", () => {
    const request = decodeBody({
      contents: [
        { parts: [{ text: "hi" }] },
        {
          role: "model",
          parts: [
            { text: "pondering", thought: true, thoughtSignature: "T1" },
            { text: "Answer", thoughtSignature: "T2" },
            { text: "", thoughtSignature: "T3" },
            {
              functionCall: { name: "f", args: { a: 1 } },
              thoughtSignature: "skip_thought_signature_validator",
            },
          ],
        },
      ],
    });
    expect(request.messages[1]?.content).toEqual([
      { type: "thinking", text: "pondering", signature: { origin: "gemini", value: "T1" } },
      { type: "text", text: "Answer" },
      { type: "thinking", text: "", signature: { origin: "gemini", value: "T2" } },
      { type: "thinking", text: "", signature: { origin: "gemini", value: "T3" } },
      { type: "tool-call", id: "call_63e86023", name: "f", arguments: '{"a":1}' },
    ]);
  });

  it("maps generation config: sampling, thinking, structured output; keeps the rest for Gemini", () => {
    const request = decodeBody({
      contents: [{ parts: [{ text: "x" }] }],
      generationConfig: {
        temperature: 0.2,
        top_p: 0.9,
        topK: 40,
        maxOutputTokens: 100,
        stopSequences: ["END"],
        seed: 3,
        responseMimeType: "application/json",
        responseSchema: { type: "OBJECT", properties: { n: { type: "INTEGER", nullable: true } } },
        thinkingConfig: { thinkingLevel: "high", includeThoughts: true },
        responseModalities: ["TEXT"],
      },
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
      cachedContent: "cachedContents/abc",
    });
    expect(request.sampling).toEqual({
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 100,
      stop: ["END"],
      seed: 3,
    });
    expect(request.reasoning).toEqual({ enabled: true, effort: "high", includeThoughts: true });
    expect(request.output).toEqual({
      type: "json-schema",
      schema: { type: "object", properties: { n: { type: ["integer", "null"] } } },
    });
    expect(request.extensions.gemini).toEqual({
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
      cachedContent: "cachedContents/abc",
      generationConfig: { responseModalities: ["TEXT"] },
    });
  });

  it("reads thinking budgets: 0 disables, -1 is dynamic, a number is a budget", () => {
    const budget = (thinkingBudget: number) =>
      decodeBody({
        contents: [{ parts: [{ text: "x" }] }],
        generationConfig: { thinkingConfig: { thinkingBudget } },
      }).reasoning;
    expect(budget(0)).toEqual({ enabled: false });
    expect(budget(-1)).toEqual({ enabled: true });
    expect(budget(4096)).toEqual({ enabled: true, budgetTokens: 4096 });
  });

  it("keeps server tools and VALIDATED mode for Gemini, as auto elsewhere", () => {
    const request = decodeBody({
      contents: [{ parts: [{ text: "x" }] }],
      tools: [{ googleSearch: {} }, { codeExecution: {} }],
      toolConfig: { functionCallingConfig: { mode: "VALIDATED" } },
    });
    expect(request.tools).toEqual([
      { kind: "server", name: "googleSearch", type: "googleSearch", protocol: "gemini", config: {} },
      { kind: "server", name: "codeExecution", type: "codeExecution", protocol: "gemini", config: {} },
    ]);
    expect(request.toolChoice).toEqual({ type: "auto" });
    expect(request.extensions.gemini).toEqual({
      toolConfig: { functionCallingConfig: { mode: "VALIDATED" } },
    });
  });

  it("takes the model from the URL, or from the body when the URL has none", () => {
    expect(decodeBody({ contents: [{ parts: [{ text: "x" }] }] }, "gemini-3-pro-preview").model).toBe(
      "gemini-3-pro-preview",
    );
    const fromBody = decodeGeminiRequest(
      { model: "models/gemini-2.5-pro", contents: [{ parts: [{ text: "x" }] }] },
      {},
      testContext(),
    );
    expect(fromBody.request.model).toBe("gemini-2.5-pro");
  });

  it("rejects invalid requests with the path of the problem", () => {
    expect(rejection({})).toMatchObject({ code: "invalid_request", param: "contents" });
    expect(rejection({ contents: [] })).toMatchObject({ param: "contents" });
    const missingName = rejection({ contents: [{ parts: [{ functionCall: { args: {} } }] }] });
    expect(missingName.param).toBe("contents[0].parts[0].functionCall.name");
    expect(missingName.message.startsWith("contents[0].parts[0].functionCall.name: ")).toBe(true);
    expect(rejection({ contents: [{ role: "system", parts: [] }] }).param).toBe("contents[0].role");
    expect(
      rejection({
        contents: [{ parts: [] }],
        generationConfig: { thinkingConfig: { thinkingLevel: "extreme" } },
      }).param,
    ).toBe("generationConfig.thinkingConfig.thinkingLevel");
    expect(rejection("not an object")).toMatchObject({ code: "invalid_request", status: 400 });
  });
});

describe("requests the official @google/genai SDK sends", () => {
  it("a chat with a function call round decodes into the canonical history", async () => {
    let sent: unknown;
    const ai = new GoogleGenAI({
      apiKey: "test-key",
      httpOptions: {
        fetch: async (_url, init) => {
          sent = parseJson(String(init?.body));
          return new Response(
            JSON.stringify({
              candidates: [{ content: { role: "model", parts: [{ text: "ok" }] }, finishReason: "STOP" }],
            }),
            { status: 200, headers: { "content-type": "application/json" } },
          );
        },
      },
    });
    const history: Content[] = [
      { role: "user", parts: [{ text: "weather in Paris?" }] },
      { role: "model", parts: [{ functionCall: { name: "weather", args: { city: "Paris" } } }] },
      { role: "user", parts: [{ functionResponse: { name: "weather", response: { output: "sunny" } } }] },
    ];
    const chat = ai.chats.create({
      model: "gemini-2.5-flash",
      history,
      config: {
        systemInstruction: "Be brief.",
        temperature: 0.5,
        thinkingConfig: { thinkingBudget: 1024 },
        tools: [
          {
            functionDeclarations: [
              {
                name: "weather",
                description: "Weather in a city",
                parameters: {
                  type: Type.OBJECT,
                  properties: { city: { type: Type.STRING } },
                  required: ["city"],
                },
              },
            ],
          },
        ],
      },
    });
    await chat.sendMessage({ message: "and tomorrow?" });
    const { request } = decodeGeminiRequest(
      sent,
      { model: "gemini-2.5-flash", stream: false },
      testContext(),
    );
    expect(request.system).toEqual([{ type: "text", text: "Be brief." }]);
    expect(request.sampling).toEqual({ temperature: 0.5 });
    expect(request.reasoning).toEqual({ enabled: true, budgetTokens: 1024 });
    expect(request.tools).toEqual([
      {
        kind: "function",
        name: "weather",
        description: "Weather in a city",
        parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ]);
    expect(request.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "weather in Paris?" }] },
      {
        role: "assistant",
        content: [{ type: "tool-call", id: "call_06190f7c", name: "weather", arguments: '{"city":"Paris"}' }],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            callId: "call_06190f7c",
            name: "weather",
            content: [{ type: "text", text: "sunny" }],
          },
        ],
      },
      { role: "user", content: [{ type: "text", text: "and tomorrow?" }] },
    ]);
  });
});
