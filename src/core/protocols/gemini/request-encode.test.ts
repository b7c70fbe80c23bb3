import { describe, expect, it } from "vitest";
import { canonicalRequest } from "../../model/__fixtures__/canonical-request.js";
import type { JsonObject } from "../../model/json.js";
import type { Message } from "../../model/parts.js";
import type { CanonicalRequest } from "../../model/request.js";
import { MID_CONVERSATION_SYSTEM_PREFIX, OPENING_USER_TEXT } from "./contents-encode.js";
import { encodeGeminiRequest } from "./request-encode.js";
import { PLACEHOLDER_SIGNATURE } from "./signatures.js";

const request = canonicalRequest;

function encode(overrides: Partial<CanonicalRequest>, model = "gemini-2.5-flash") {
  const encoded = encodeGeminiRequest(request(overrides), { model });
  return { body: encoded.body, codes: encoded.warnings.map((warning) => warning.code) };
}

const weatherTool = {
  kind: "function" as const,
  name: "weather",
  description: "Weather",
  parameters: {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    properties: {
      city: { type: ["string", "null"] },
      unit: { const: "C" },
      days: { type: "integer", exclusiveMinimum: 0 },
    },
    required: ["city"],
    additionalProperties: false,
  },
};

const toolTurn: Message[] = [
  { role: "user", content: [{ type: "text", text: "weather in Paris and Rome?" }] },
  {
    role: "assistant",
    content: [
      { type: "text", text: "Checking." },
      { type: "tool-call", id: "toolu_1", name: "weather", arguments: '{"city":"Paris"}' },
      { type: "tool-call", id: "toolu_2", name: "weather", arguments: '{"city":"Rome"}' },
    ],
  },
  {
    role: "tool",
    content: [{ type: "tool-result", callId: "toolu_1", content: [{ type: "text", text: "sunny" }] }],
  },
  {
    role: "tool",
    content: [
      {
        type: "tool-result",
        callId: "toolu_2",
        content: [{ type: "text", text: '{"sky":"rain"}' }],
        isError: false,
      },
    ],
  },
  { role: "user", content: [{ type: "text", text: "thanks" }] },
];

describe("Gemini request encoding: conversation", () => {
  it("hoists only the leading system run; later system messages become prefixed user text", () => {
    const { body, codes } = encode({
      system: [{ type: "text", text: "Be brief." }],
      messages: [
        { role: "developer", content: [{ type: "text", text: "Use metric." }] },
        { role: "user", content: [{ type: "text", text: "hi" }] },
        { role: "assistant", content: [{ type: "text", text: "hello" }] },
        { role: "system", content: [{ type: "text", text: "The user is tired." }] },
        { role: "user", content: [{ type: "text", text: "more" }] },
      ],
    });
    expect(body.systemInstruction).toEqual({ parts: [{ text: "Be brief." }, { text: "Use metric." }] });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "hi" }] },
      { role: "model", parts: [{ text: "hello" }] },
      { role: "user", parts: [{ text: `${MID_CONVERSATION_SYSTEM_PREFIX}The user is tired.` }] },
      { role: "user", parts: [{ text: "more" }] },
    ]);
    expect(codes).toContain("gemini_system_message_as_user");
  });

  it("puts all results of one model turn in one user turn, named from the calls, apart from the next human turn", () => {
    const { body } = encode({ messages: toolTurn, tools: [weatherTool] });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "weather in Paris and Rome?" }] },
      {
        role: "model",
        parts: [
          { text: "Checking." },
          { functionCall: { id: "toolu_1", name: "weather", args: { city: "Paris" } } },
          { functionCall: { id: "toolu_2", name: "weather", args: { city: "Rome" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { id: "toolu_1", name: "weather", response: { output: "sunny" } } },
          { functionResponse: { id: "toolu_2", name: "weather", response: { sky: "rain" } } },
        ],
      },
      { role: "user", parts: [{ text: "thanks" }] },
    ]);
  });

  it("lets human content that arrives between a call and its result wait until after the results", () => {
    const [first, call, resultOne, resultTwo] = toolTurn;
    const { body } = encode({
      messages: [
        first!,
        call!,
        { role: "user", content: [{ type: "text", text: "hurry" }] },
        resultOne!,
        resultTwo!,
      ],
    });
    const contents = body.contents as JsonObject[];
    expect(contents.map((content) => content.role)).toEqual(["user", "model", "user", "user"]);
    expect(contents[3]).toEqual({ role: "user", parts: [{ text: "hurry" }] });
  });

  it("marks error results and sends images in results nested on Gemini 3, beside them before", () => {
    const messages: Message[] = [
      { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "screenshot", arguments: "{}" }] },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            callId: "c1",
            name: "screenshot",
            isError: true,
            content: [
              { type: "text", text: "partial" },
              {
                type: "image",
                source: { kind: "base64", mediaType: "image/png", data: "data:image/png;base64,AAAA" },
              },
            ],
          },
        ],
      },
    ];
    const newer = encode({ messages }, "gemini-3-pro-preview").body.contents as JsonObject[];
    expect(newer.at(-1)).toEqual({
      role: "user",
      parts: [
        {
          functionResponse: {
            id: "c1",
            name: "screenshot",
            response: { error: "partial" },
            parts: [{ inlineData: { mimeType: "image/png", data: "AAAA" } }],
          },
        },
      ],
    });
    const older = encode({ messages }, "gemini-2.5-flash").body.contents as JsonObject[];
    expect(older.at(-1)).toEqual({
      role: "user",
      parts: [
        { functionResponse: { id: "c1", name: "screenshot", response: { error: "partial" } } },
        { inlineData: { mimeType: "image/png", data: "AAAA" } },
      ],
    });
  });

  it("never opens the history with a model function call", () => {
    const { body, codes } = encode({
      messages: [
        { role: "assistant", content: [{ type: "tool-call", id: "c", name: "f", arguments: "{}" }] },
      ],
    });
    expect((body.contents as JsonObject[])[0]).toEqual({
      role: "user",
      parts: [{ text: OPENING_USER_TEXT }],
    });
    expect(codes).toContain("gemini_opening_user_turn");
  });

  it("drops empty and whitespace-only text; an assistant turn with only calls stays", () => {
    const { body } = encode({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "  " },
            { type: "text", text: "q" },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "text", text: "" },
            { type: "tool-call", id: "c", name: "f", arguments: "" },
          ],
        },
        { role: "user", content: [{ type: "text", text: "\n" }] },
      ],
    });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "q" }] },
      { role: "model", parts: [{ functionCall: { id: "c", name: "f", args: {} } }] },
    ]);
  });

  it("images: base64 without any data: prefix, data URLs inline, URLs as fileData, foreign file ids dropped", () => {
    const { body, codes } = encode({
      messages: [
        {
          role: "user",
          content: [
            {
              type: "image",
              source: { kind: "base64", mediaType: "image/jpeg", data: "data:image/jpeg;base64,/9j/4AAQ" },
            },
            { type: "image", source: { kind: "url", url: "data:image/webp;base64,UklGRg==" } },
            { type: "image", source: { kind: "url", url: "https://example.com/cat.PNG?size=2" } },
            { type: "file", source: { kind: "url", url: "gs://bucket/report.pdf" } },
            { type: "file", source: { kind: "file-id", fileId: "file-abc123" } },
            { type: "file", source: { kind: "file-id", fileId: "files/xyz" } },
          ],
        },
      ],
    });
    expect((body.contents as JsonObject[])[0]?.parts).toEqual([
      { inlineData: { mimeType: "image/jpeg", data: "/9j/4AAQ" } },
      { inlineData: { mimeType: "image/webp", data: "UklGRg==" } },
      { fileData: { fileUri: "https://example.com/cat.PNG?size=2", mimeType: "image/png" } },
      { fileData: { fileUri: "gs://bucket/report.pdf", mimeType: "application/pdf" } },
      { fileData: { fileUri: "files/xyz" } },
    ]);
    expect(JSON.stringify(body)).not.toContain("data:");
    expect(codes).toContain("gemini_file_id_dropped");
  });
});

describe("Gemini request encoding: reasoning artifacts", () => {
  const history = (signature?: { origin: "gemini" | "anthropic"; value: string }): Message[] => [
    { role: "user", content: [{ type: "text", text: "go" }] },
    {
      role: "assistant",
      content: [
        { type: "thinking", text: "plan", ...(signature ? { signature } : {}) },
        { type: "tool-call", id: "a", name: "f", arguments: "{}", ...(signature ? { signature } : {}) },
        { type: "tool-call", id: "b", name: "g", arguments: "{}" },
      ],
    },
    {
      role: "tool",
      content: [
        { type: "tool-result", callId: "a", content: [{ type: "text", text: "1" }] },
        { type: "tool-result", callId: "b", content: [{ type: "text", text: "2" }] },
      ],
    },
  ];

  it("sends Gemini's own signatures back where they were", () => {
    const { body, codes } = encode(
      { messages: history({ origin: "gemini", value: "R0VN" }) },
      "gemini-3-pro-preview",
    );
    expect((body.contents as JsonObject[])[1]?.parts).toEqual([
      { text: "plan", thought: true, thoughtSignature: "R0VN" },
      { functionCall: { id: "a", name: "f", args: {} }, thoughtSignature: "R0VN" },
      { functionCall: { id: "b", name: "g", args: {} } },
    ]);
    expect(codes).toEqual([]);
  });

  it("replaces a foreign signature on a Gemini 3 call with the documented placeholder, with warnings", () => {
    const { body, codes } = encode(
      { messages: history({ origin: "anthropic", value: "sig" }) },
      "gemini-3-flash-preview",
    );
    expect((body.contents as JsonObject[])[1]?.parts).toEqual([
      { text: "plan", thought: true },
      { functionCall: { id: "a", name: "f", args: {} }, thoughtSignature: PLACEHOLDER_SIGNATURE },
      { functionCall: { id: "b", name: "g", args: {} } },
    ]);
    expect(JSON.stringify(body)).not.toContain('"sig"');
    expect([...new Set(codes)]).toEqual([
      "gemini_foreign_signature_dropped",
      "gemini_thought_signature_placeholder",
    ]);
  });

  it("sends no placeholder to models that do not require signatures", () => {
    const { body } = encode({ messages: history() }, "gemini-2.5-pro");
    expect(JSON.stringify(body)).not.toContain("thoughtSignature");
  });

  it("drops redacted reasoning with a warning and puts a bare Gemini signature back on its text part", () => {
    const { body, codes } = encode({
      messages: [
        { role: "user", content: [{ type: "text", text: "q" }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", text: "", redactedData: "opaque" },
            { type: "text", text: "answer" },
            { type: "thinking", text: "", signature: { origin: "gemini", value: "U0lH" } },
          ],
        },
      ],
    });
    expect((body.contents as JsonObject[])[1]?.parts).toEqual([{ text: "answer", thoughtSignature: "U0lH" }]);
    expect(codes).toContain("gemini_redacted_reasoning_dropped");
  });
});

describe("Gemini request encoding: tools and configuration", () => {
  it("sends tool schemas as parametersJsonSchema, untouched", () => {
    const { body } = encode({ tools: [weatherTool] });
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          { name: "weather", description: "Weather", parametersJsonSchema: weatherTool.parameters },
        ],
      },
    ]);
  });

  it("sanitizes schemas into the legacy parameters field for Gemini 2.0, with a warning", () => {
    const { body, codes } = encode({ tools: [weatherTool] }, "gemini-2.0-flash");
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "weather",
            description: "Weather",
            parameters: {
              type: "OBJECT",
              properties: {
                city: { type: "STRING", nullable: true },
                unit: { enum: ["C"], type: "STRING" },
                days: { type: "INTEGER" },
              },
              required: ["city"],
            },
          },
        ],
      },
    ]);
    expect(codes).toContain("gemini_schema_sanitized");
  });

  it("maps tool choice: auto, none, required, a named tool", () => {
    const config = (toolChoice: CanonicalRequest["toolChoice"]) =>
      encode({ tools: [weatherTool], ...(toolChoice ? { toolChoice } : {}) }).body.toolConfig;
    expect(config({ type: "auto" })).toEqual({ functionCallingConfig: { mode: "AUTO" } });
    expect(config({ type: "none" })).toEqual({ functionCallingConfig: { mode: "NONE" } });
    expect(config({ type: "required" })).toEqual({ functionCallingConfig: { mode: "ANY" } });
    expect(config({ type: "tool", name: "weather" })).toEqual({
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["weather"] },
    });
    expect(config(undefined)).toBeUndefined();
    expect(encode({ tools: [weatherTool], parallelToolCalls: false }).codes).toContain(
      "gemini_parallel_tool_calls",
    );
  });

  it("maps other protocols' server tools to Gemini's or drops them with a warning; offers free-form tools as functions", () => {
    const { body, codes } = encode({
      tools: [
        {
          kind: "server",
          name: "web_search",
          type: "web_search_20250305",
          protocol: "anthropic",
          config: { max_uses: 3 },
        },
        { kind: "server", name: "computer", type: "computer_20250124", protocol: "anthropic", config: {} },
        { kind: "custom", name: "apply_patch" },
        { kind: "server", name: "urlContext", type: "urlContext", protocol: "gemini", config: {} },
        // Codex's hosted web search (live web off) must not become Gemini's live Google Search.
        {
          kind: "server",
          name: "web_search",
          type: "web_search",
          protocol: "openai-responses",
          config: { type: "web_search", external_web_access: false },
        },
      ],
    });
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "apply_patch",
            description:
              "Free-form tool: pass the whole input as plain text in the `input` string (not JSON).",
            parametersJsonSchema: {
              type: "object",
              properties: { input: { type: "string", description: "The tool's free-form input." } },
              required: ["input"],
              additionalProperties: false,
            },
          },
        ],
      },
      { googleSearch: {} },
      { urlContext: {} },
    ]);
    expect(codes).toEqual([
      "gemini_server_tool_mapped",
      "gemini_server_tool_dropped",
      "custom_tool_as_function",
      "gemini_server_tool_dropped",
    ]);
  });

  it("maps sampling and structured output; never a JSON mime type together with tools", () => {
    const schema = { type: "object", properties: { n: { type: "integer" } } };
    const plain = encode({
      sampling: {
        temperature: 0.1,
        topP: 0.5,
        topK: 3,
        maxOutputTokens: 99,
        stop: ["a", "b", "c", "d", "e", "f"],
        seed: 1,
      },
      output: { type: "json-schema", name: "n", schema },
    });
    expect(plain.body.generationConfig).toEqual({
      temperature: 0.1,
      topP: 0.5,
      topK: 3,
      maxOutputTokens: 99,
      stopSequences: ["a", "b", "c", "d", "e"],
      seed: 1,
      responseMimeType: "application/json",
      responseJsonSchema: schema,
    });
    expect(plain.codes).toEqual(["gemini_stop_sequences_truncated"]);
    const withTools = encode({ tools: [weatherTool], output: { type: "json-object" } });
    expect(withTools.body.generationConfig).toBeUndefined();
    expect(withTools.codes).toContain("gemini_json_output_with_tools");
    const legacy = encode({ output: { type: "json-schema", schema } }, "gemini-2.0-flash");
    expect(legacy.body.generationConfig).toEqual({
      responseMimeType: "application/json",
      responseSchema: { type: "OBJECT", properties: { n: { type: "INTEGER" } } },
    });
  });

  it("maps reasoning per model: budgets, levels on Gemini 3, off where possible, never effort with thinking off", () => {
    const thinking = (reasoning: CanonicalRequest["reasoning"], model: string) =>
      encode(reasoning === undefined ? {} : { reasoning }, model).body.generationConfig;
    expect(
      thinking({ enabled: true, budgetTokens: 5000, includeThoughts: true }, "gemini-2.5-flash"),
    ).toEqual({
      thinkingConfig: { thinkingBudget: 5000, includeThoughts: true },
    });
    expect(thinking({ enabled: true, effort: "medium" }, "gemini-2.5-flash")).toEqual({
      thinkingConfig: { thinkingBudget: 8192 },
    });
    expect(thinking({ enabled: true, effort: "max" }, "gemini-2.5-flash")).toEqual({
      thinkingConfig: { thinkingBudget: 24576 },
    });
    expect(thinking({ enabled: true, effort: "high" }, "gemini-3-pro-preview")).toEqual({
      thinkingConfig: { thinkingLevel: "HIGH" },
    });
    expect(thinking({ enabled: true, effort: "minimal" }, "gemini-3-flash-preview")).toEqual({
      thinkingConfig: { thinkingLevel: "MINIMAL" },
    });
    expect(thinking({ enabled: true, effort: "high", budgetTokens: 2000 }, "gemini-3-pro-preview")).toEqual({
      thinkingConfig: { thinkingBudget: 2000 },
    });
    expect(thinking({ enabled: false, effort: "high" }, "gemini-2.5-flash")).toEqual({
      thinkingConfig: { thinkingBudget: 0 },
    });
    expect(thinking({ enabled: false }, "gemini-3-pro-preview")).toEqual({
      thinkingConfig: { thinkingLevel: "LOW" },
    });
    expect(encode({ reasoning: { enabled: false } }, "gemini-2.5-pro").codes).toContain(
      "gemini_thinking_not_disabled",
    );
    const old = encode({ reasoning: { enabled: true, budgetTokens: 1000 } }, "gemini-2.0-flash");
    expect(old.body.generationConfig).toBeUndefined();
    expect(old.codes).toContain("gemini_thinking_unsupported");
  });

  it("re-applies Gemini extensions (and only Gemini's) around what the request sets", () => {
    const { body } = encode({
      tools: [weatherTool],
      toolChoice: { type: "auto" },
      sampling: { temperature: 1 },
      extensions: {
        gemini: {
          safetySettings: [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_NONE" }],
          generationConfig: { responseModalities: ["TEXT"], temperature: 0 },
          toolConfig: { functionCallingConfig: { mode: "VALIDATED", streamFunctionCallArguments: true } },
        },
        anthropic: { context_management: { edits: [] } },
      },
    });
    expect(body.safetySettings).toEqual([{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_NONE" }]);
    expect(body.generationConfig).toEqual({ temperature: 1, responseModalities: ["TEXT"] });
    expect(body.toolConfig).toEqual({
      functionCallingConfig: { mode: "VALIDATED", streamFunctionCallArguments: true },
    });
    expect(JSON.stringify(body)).not.toContain("context_management");
  });

  it("wraps tool-call arguments that are not a JSON object, with a warning", () => {
    const { body, codes } = encode({
      messages: [
        { role: "user", content: [{ type: "text", text: "q" }] },
        { role: "assistant", content: [{ type: "tool-call", id: "c", name: "f", arguments: "not json" }] },
      ],
    });
    expect((body.contents as JsonObject[])[1]?.parts).toEqual([
      { functionCall: { id: "c", name: "f", args: { input: "not json" } } },
    ]);
    expect(codes).toContain("gemini_tool_arguments_wrapped");
  });
});
