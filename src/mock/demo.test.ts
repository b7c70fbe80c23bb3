import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseJsonOrThrow } from "../core/json/safe-parse.js";
import type { JsonObject } from "../core/model/json.js";
import { PROTOCOLS, type Protocol } from "../core/model/protocol.js";
import { parseSseText } from "./collect-sse-events.js";
import { demoChunkDelayMs, demoScript, renderDemoResponse } from "./demo.js";
import type { MockScript, MockStep } from "./script.js";
import { type MockUpstream, startMockUpstream } from "./server.js";

const WEATHER_SCHEMA: JsonObject = {
  type: "object",
  properties: {
    location: { type: "string", description: "City name" },
    unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    days: { type: "integer", minimum: 1, maximum: 7 },
    detailed: { type: "boolean" },
    note: { type: "string" },
  },
  required: ["location", "unit", "days", "detailed"],
};
const TIME_SCHEMA: JsonObject = {
  type: "object",
  properties: { zone: { type: "string" } },
  required: ["zone"],
};
const TOOLS = [
  { name: "get_weather", description: "Current weather for a city", schema: WEATHER_SCHEMA },
  { name: "get_time", description: "Current time in a zone", schema: TIME_SCHEMA },
];
const PARIS_ARGS = { location: "Paris", unit: "celsius", days: 1, detailed: false };
const RESULT = "22°C and sunny";

interface AskOptions {
  tools?: boolean;
  reasoning?: boolean;
  toolChoice?: "none" | "required";
}

/** The same conversation in each protocol's request shape. */
function ask(protocol: Protocol, prompt: string, options: AskOptions = {}): JsonObject {
  const tools = options.tools === true ? TOOLS : [];
  switch (protocol) {
    case "openai-chat": {
      const body: JsonObject = { model: "demo", messages: [{ role: "user", content: prompt }] };
      if (tools.length > 0) {
        body.tools = tools.map((tool) => ({
          type: "function",
          function: { name: tool.name, description: tool.description, parameters: tool.schema },
        }));
      }
      if (options.toolChoice) body.tool_choice = options.toolChoice;
      if (options.reasoning) body.reasoning_effort = "low";
      return body;
    }
    case "openai-responses": {
      const body: JsonObject = {
        model: "demo",
        input: [{ role: "user", content: [{ type: "input_text", text: prompt }] }],
      };
      if (tools.length > 0) {
        body.tools = tools.map((tool) => ({
          type: "function",
          name: tool.name,
          description: tool.description,
          parameters: tool.schema,
        }));
      }
      if (options.toolChoice) body.tool_choice = options.toolChoice;
      if (options.reasoning) body.reasoning = { effort: "low" };
      return body;
    }
    case "anthropic": {
      const body: JsonObject = {
        model: "demo",
        max_tokens: 512,
        messages: [{ role: "user", content: [{ type: "text", text: prompt }] }],
      };
      if (tools.length > 0) {
        body.tools = tools.map((tool) => ({
          name: tool.name,
          description: tool.description,
          input_schema: tool.schema,
        }));
      }
      if (options.toolChoice) body.tool_choice = { type: options.toolChoice === "required" ? "any" : "none" };
      if (options.reasoning) body.thinking = { type: "enabled", budget_tokens: 1024 };
      return body;
    }
    case "gemini": {
      const body: JsonObject = { contents: [{ role: "user", parts: [{ text: prompt }] }] };
      if (tools.length > 0) {
        body.tools = [
          {
            functionDeclarations: tools.map((tool) => ({
              name: tool.name,
              description: tool.description,
              parametersJsonSchema: tool.schema,
            })),
          },
        ];
      }
      if (options.toolChoice) {
        body.toolConfig = {
          functionCallingConfig: { mode: options.toolChoice === "required" ? "ANY" : "NONE" },
        };
      }
      if (options.reasoning) body.generationConfig = { thinkingConfig: { includeThoughts: true } };
      return body;
    }
    default:
      throw new Error(protocol);
  }
}

/** The conversation after the model called get_weather, ending with its result. */
function answerTool(protocol: Protocol, prompt: string): JsonObject {
  const body = ask(protocol, prompt, { tools: true });
  const args = JSON.stringify(PARIS_ARGS);
  switch (protocol) {
    case "openai-chat":
      body.messages = [
        { role: "user", content: prompt },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: args } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: RESULT },
      ];
      break;
    case "openai-responses":
      body.input = [
        { role: "user", content: prompt },
        { type: "function_call", call_id: "call_1", name: "get_weather", arguments: args },
        { type: "function_call_output", call_id: "call_1", output: RESULT },
      ];
      break;
    case "anthropic":
      body.messages = [
        { role: "user", content: prompt },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: PARIS_ARGS }],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: RESULT }] },
      ];
      break;
    case "gemini":
      body.contents = [
        { role: "user", parts: [{ text: prompt }] },
        { role: "model", parts: [{ functionCall: { name: "get_weather", args: PARIS_ARGS } }] },
        {
          role: "user",
          parts: [{ functionResponse: { name: "get_weather", response: { output: RESULT } } }],
        },
      ];
      break;
    default:
      throw new Error(protocol);
  }
  return body;
}

/** Steps without the request-derived signatures, to compare across protocols. */
function unsigned(script: MockScript): MockStep[] {
  return (script.steps ?? []).map((step): MockStep => {
    if (step.type === "thinking") return { type: "thinking", text: step.text };
    if (step.type === "text") return step;
    return {
      type: "tool-calls",
      calls: step.calls.map(({ name, arguments: args }) => ({ name, arguments: args ?? {} })),
    };
  });
}

function textOf(script: MockScript): string {
  return (script.steps ?? []).map((step) => (step.type === "text" ? step.text : "")).join("");
}

function callsOf(script: MockScript): { name: string; arguments: unknown }[] {
  return (script.steps ?? []).flatMap((step) =>
    step.type === "tool-calls"
      ? step.calls.map((call) => ({ name: call.name, arguments: call.arguments }))
      : [],
  );
}

describe("demo model: what it answers", () => {
  it("echoes the prompt, the same way in every protocol", () => {
    const scripts = PROTOCOLS.map((protocol) =>
      demoScript(protocol, ask(protocol, "Tell me a joke about llamas")),
    );
    for (const script of scripts) {
      expect(textOf(script)).toContain('you said "Tell me a joke about llamas"');
      expect(callsOf(script)).toEqual([]);
      expect(unsigned(script)).toEqual(unsigned(scripts[0]!));
    }
  });

  it("calls the matching tool with schema-valid arguments when the prompt asks", () => {
    for (const protocol of PROTOCOLS) {
      const script = demoScript(
        protocol,
        ask(protocol, "What's the weather in Paris today?", { tools: true }),
      );
      expect(callsOf(script), protocol).toEqual([{ name: "get_weather", arguments: PARIS_ARGS }]);
      expect(textOf(script)).toBe("Let me call get_weather for that.");
    }
  });

  it("calls several named tools in parallel", () => {
    for (const protocol of PROTOCOLS) {
      const prompt = 'Please use get_weather and get_time for "Europe/Paris"';
      const names = callsOf(demoScript(protocol, ask(protocol, prompt, { tools: true }))).map(
        (call) => call.name,
      );
      expect(names, protocol).toEqual(["get_weather", "get_time"]);
    }
  });

  it("offers its tools but does not call one for a plain chat, nor when tool_choice is none", () => {
    for (const protocol of PROTOCOLS) {
      const plain = demoScript(protocol, ask(protocol, "Hello there", { tools: true }));
      expect(callsOf(plain)).toEqual([]);
      expect(textOf(plain)).toContain("get_weather, get_time");
      const refused = demoScript(
        protocol,
        ask(protocol, "Call the weather tool", { tools: true, toolChoice: "none" }),
      );
      expect(callsOf(refused), protocol).toEqual([]);
      const forced = demoScript(protocol, ask(protocol, "Hi", { tools: true, toolChoice: "required" }));
      expect(callsOf(forced).length, protocol).toBe(1);
    }
  });

  it("answers a tool result with text that includes it", () => {
    for (const protocol of PROTOCOLS) {
      const script = demoScript(protocol, answerTool(protocol, "What's the weather in Paris?"));
      expect(callsOf(script), protocol).toEqual([]);
      expect(textOf(script), protocol).toContain(`the get_weather tool returned "${RESULT}"`);
    }
  });

  it("thinks first, with a signature, when the request asks for reasoning", () => {
    for (const protocol of PROTOCOLS) {
      const steps =
        demoScript(protocol, ask(protocol, "Why is the sky blue?", { reasoning: true })).steps ?? [];
      const first = steps[0];
      expect(first?.type, protocol).toBe("thinking");
      if (first?.type === "thinking") {
        expect(first.text).toContain("Why is the sky blue?");
        expect(first.signature).toMatch(/^[A-Za-z0-9+/=]+$/);
      }
      const plain = demoScript(protocol, ask(protocol, "Why is the sky blue?")).steps ?? [];
      expect(plain[0]?.type).toBe("text");
    }
  });

  it("tolerates bodies of the wrong shape", () => {
    for (const protocol of PROTOCOLS) {
      for (const body of [null, "text", { messages: "x", input: 3, contents: [null] }]) {
        expect(textOf(demoScript(protocol, body))).toContain("llmux demo model");
      }
    }
  });
});

describe("demo model: rendering for the host", () => {
  it("renders the same bytes for the same request, and streams in several frames", () => {
    expect(demoChunkDelayMs).toBeGreaterThan(0);
    for (const protocol of PROTOCOLS) {
      const body = ask(protocol, "What's the weather in Paris?", { tools: true, reasoning: true });
      const options = { stream: true, model: "demo", created: 1_700_000_000 };
      const first = renderDemoResponse(protocol, body, options);
      expect(renderDemoResponse(protocol, body, options)).toEqual(first);
      expect(first.contentType).toContain("text/event-stream");
      expect("frames" in first && first.frames.length).toBeGreaterThan(5);
      const other = renderDemoResponse(protocol, ask(protocol, "Something else"), options);
      expect(other).not.toEqual(first);
      const whole = renderDemoResponse(protocol, body, { ...options, stream: false });
      expect(whole.contentType).toBe("application/json");
      expect("body" in whole && parseJsonOrThrow(whole.body, "upstream")).toBeTruthy();
      if ("frames" in first) {
        const events = parseSseText(first.frames.join(""));
        expect(events.length).toBe(first.frames.length);
        expect(first.frames.join("")).toContain("Paris");
      }
    }
  });
});

describe("demo model through the official SDKs", () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream();
    mock.setDefault((request) => demoScript(request.protocol ?? "openai-chat", request.body));
  });
  afterAll(async () => {
    await mock.close();
  });

  it("openai chat: a tool call, then the answer to its result, streaming", async () => {
    const client = new OpenAI({ apiKey: "test", baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const body = ask("openai-chat", "What's the weather in Paris?", {
      tools: true,
    }) as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const completion = await client.chat.completions.create(body);
    const call = completion.choices[0]!.message.tool_calls?.[0];
    expect(call?.type === "function" && parseJsonOrThrow(call.function.arguments, "upstream")).toEqual(
      PARIS_ARGS,
    );
    const followUp = answerTool("openai-chat", "What's the weather in Paris?") as unknown as Parameters<
      OpenAI["chat"]["completions"]["stream"]
    >[0];
    const final = await client.chat.completions.stream(followUp).finalChatCompletion();
    expect(final.choices[0]!.message.content).toContain(RESULT);
  });

  it("openai responses: a tool call and a streamed answer", async () => {
    const client = new OpenAI({ apiKey: "test", baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const body = ask("openai-responses", "What's the weather in Paris?", { tools: true, reasoning: true });
    const response = await client.responses.create(
      body as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming,
    );
    const call = response.output.find((item) => item.type === "function_call");
    expect(call?.type === "function_call" && parseJsonOrThrow(call.arguments, "upstream")).toEqual(
      PARIS_ARGS,
    );
    expect(response.output[0]?.type).toBe("reasoning");
    const followUp = answerTool("openai-responses", "What's the weather in Paris?");
    const final = await client.responses
      .stream(followUp as unknown as OpenAI.Responses.ResponseCreateParamsStreaming)
      .finalResponse();
    expect(final.output_text).toContain(RESULT);
  });

  it("anthropic: thinking, a streamed tool call, then the answer", async () => {
    const client = new Anthropic({ apiKey: "test", baseURL: mock.url, maxRetries: 0 });
    const body = ask("anthropic", "What's the weather in Paris?", { tools: true, reasoning: true });
    const message = await client.messages
      .stream(body as unknown as Anthropic.MessageStreamParams)
      .finalMessage();
    expect(message.content[0]?.type).toBe("thinking");
    const call = message.content.find((block) => block.type === "tool_use");
    expect(call?.type === "tool_use" && call.input).toEqual(PARIS_ARGS);
    expect(message.stop_reason).toBe("tool_use");
    const followUp = answerTool("anthropic", "What's the weather in Paris?");
    const answer = await client.messages.create(
      followUp as unknown as Anthropic.MessageCreateParamsNonStreaming,
    );
    expect(answer.content[0]?.type === "text" && answer.content[0].text).toContain(RESULT);
  });

  it("gemini: a function call, then a streamed answer", async () => {
    const client = new GoogleGenAI({ apiKey: "test", httpOptions: { baseUrl: mock.url } });
    const body = ask("gemini", "What's the weather in Paris?", { tools: true });
    const response = await client.models.generateContent({
      model: "demo",
      contents: body.contents as never,
      config: { tools: body.tools as never },
    });
    expect(response.functionCalls?.[0]).toMatchObject({ name: "get_weather", args: PARIS_ARGS });
    const followUp = answerTool("gemini", "What's the weather in Paris?");
    const stream = await client.models.generateContentStream({
      model: "demo",
      contents: followUp.contents as never,
      config: { tools: followUp.tools as never },
    });
    let text = "";
    for await (const chunk of stream) text += chunk.text ?? "";
    expect(text).toContain(RESULT);
  });
});
