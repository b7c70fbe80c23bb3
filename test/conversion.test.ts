import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningGateway } from "../src/host/control/kernel.js";
import { type MockUpstream, startMockUpstream } from "../src/mock/server.js";
import { mockProvidersConfig, resetHealth, sseData, startTestGateway } from "./support/gateway.js";
import { type ClientProtocol, runTurn } from "./support/sdk-clients.js";

/** The official SDK of every protocol, through llmux, to a mock upstream of every protocol. */

let mock: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  gateway = await startTestGateway(mockProvidersConfig(mock.url));
});

afterAll(async () => {
  await gateway.stop(1000);
  await mock.close();
});

beforeEach(() => {
  mock.reset();
  resetHealth(gateway);
});

const CLIENTS: ClientProtocol[] = ["openai-chat", "openai-responses", "anthropic", "gemini"];
const UPSTREAMS: { protocol: ClientProtocol; model: string }[] = [
  { protocol: "openai-chat", model: "chat-model" },
  { protocol: "openai-responses", model: "responses-model" },
  { protocol: "anthropic", model: "claude-model" },
  { protocol: "gemini", model: "gemini-model" },
];

/** Finish reasons as each client protocol names "stopped normally" and "wants tools". */
const STOP: Record<ClientProtocol, string> = {
  "openai-chat": "stop",
  "openai-responses": "completed",
  anthropic: "end_turn",
  gemini: "STOP",
};
const TOOLS: Record<ClientProtocol, string> = {
  "openai-chat": "tool_calls",
  "openai-responses": "completed",
  anthropic: "tool_use",
  gemini: "STOP",
};

/** Usage as each client protocol counts it, for 20 uncached + 5 cached input tokens and 7 output. */
function expectedUsage(client: ClientProtocol) {
  return client === "anthropic"
    ? { input: 20, cacheRead: 5, output: 7 }
    : { input: 25, cacheRead: 5, output: 7 };
}

const WEATHER = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
const TIME = { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] };

describe.each(CLIENTS)("client %s", (client) => {
  describe.each(UPSTREAMS)("upstream $protocol", ({ protocol: upstream, model }) => {
    for (const stream of [false, true]) {
      const mode = stream ? "streaming" : "non-streaming";

      it(`text, usage and finish reason survive (${mode})`, async () => {
        mock.enqueue({
          steps: [{ type: "text", text: "Hello from the upstream, in pieces.", deltas: 4 }],
          usage: { input: 20, cacheRead: 5, output: 7 },
        });
        const view = await runTurn(client, gateway.url, model, { user: "Say hello" }, stream);
        expect(view.text).toBe("Hello from the upstream, in pieces.");
        expect(view.finish).toBe(STOP[client]);
        expect(view.usage).toEqual(expectedUsage(client));
        if (client !== "gemini") expect(view.model).toBe(model);
        expect(mock.requests).toHaveLength(1);
        expect(mock.requests[0]!.protocol).toBe(upstream);
      });

      it(`parallel tool calls arrive whole, with ids and parsed arguments (${mode})`, async () => {
        mock.enqueue({
          steps: [
            {
              type: "tool-calls",
              calls: [
                { name: "get_weather", arguments: { city: "Paris" }, fragments: 3 },
                { name: "get_time", arguments: { zone: "CET" }, fragments: 2 },
              ],
            },
          ],
        });
        const view = await runTurn(
          client,
          gateway.url,
          model,
          { user: "Weather and time in Paris?", tools: { get_weather: WEATHER, get_time: TIME } },
          stream,
        );
        expect(view.toolCalls.map(({ name, arguments: args }) => ({ name, args }))).toEqual([
          { name: "get_weather", args: { city: "Paris" } },
          { name: "get_time", args: { zone: "CET" } },
        ]);
        const ids = view.toolCalls.map((call) => call.id);
        if (client !== "gemini") {
          expect(ids.every((id) => typeof id === "string" && id !== "")).toBe(true);
          expect(new Set(ids).size).toBe(2);
        }
        expect(view.finish).toBe(TOOLS[client]);
        const sent = JSON.stringify(mock.requests[0]!.body);
        expect(sent).toContain("get_weather");
        expect(sent).toContain("get_time");
      });

      it(`reasoning is shown and the answer follows it (${mode})`, async () => {
        mock.enqueue({
          steps: [
            {
              type: "thinking",
              text: "Let me think about it.",
              signature: "sig-upstream",
              encryptedContent: "enc-upstream",
            },
            { type: "text", text: "The answer is 42." },
          ],
        });
        const view = await runTurn(
          client,
          gateway.url,
          model,
          { user: "Think, then answer", reasoning: true },
          stream,
        );
        expect(view.text).toBe("The answer is 42.");
        expect(view.thinking).toContain("Let me think");
      });
    }

    it("a tool result from the client reaches the upstream paired with its call", async () => {
      mock.enqueue({ steps: [{ type: "text", text: "It is sunny." }] });
      const view = await runTurn(
        client,
        gateway.url,
        model,
        {
          user: "So?",
          tools: { get_weather: WEATHER },
          toolHistory: {
            id: "call_abc123",
            name: "get_weather",
            arguments: { city: "Paris" },
            result: "Sunny, 21C",
          },
        },
        false,
      );
      expect(view.text).toBe("It is sunny.");
      const sent = JSON.stringify(mock.requests[0]!.body);
      expect(sent).toContain("Sunny, 21C");
      expect(sent).toContain("get_weather");
      expect(sent).toContain("Paris");
    });
  });
});

/** Requests shaped like what the coding agents send, through the gateway, as the upstream receives them. */
describe("coding agents' requests through llmux", () => {
  const agents = "../src/core/protocols/__fixtures__/agents/";
  const body = async (name: string) =>
    (await import(`${agents}${name}`, { with: { type: "json" } })).default as Record<string, unknown>;

  it("Gemini CLI's routing schema reaches an OpenAI upstream as valid lower-case JSON Schema", async () => {
    const response = await fetch(`${gateway.url}/v1beta/models/chat%2Fchat-model:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": "k" },
      body: JSON.stringify(await body("gemini-cli-routing.json")),
    });
    expect(response.status).toBe(200);
    const sent = mock.requests[0]!.body as Record<string, unknown>;
    expect(sent.response_format).toMatchObject({
      type: "json_schema",
      json_schema: {
        schema: {
          type: "object",
          properties: { complexity_reasoning: { type: "string" }, complexity_score: { type: "integer" } },
        },
      },
    });
    expect(JSON.stringify(sent)).not.toMatch(/"(OBJECT|STRING|INTEGER)"/);
  });

  it("Claude Code's billing header and context_management do not reach an OpenAI upstream", async () => {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "k", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ ...(await body("claude-code.json")), model: "chat/chat-model", stream: false }),
    });
    expect(response.status).toBe(200);
    const sent = JSON.stringify(mock.requests[0]!.body);
    expect(sent).not.toContain("x-anthropic-billing-header");
    expect(sent).not.toContain("context_management");
    expect(sent).toContain("ENVIRONMENT NOTE");
  });
});

describe("a converted stream to a client that reads slowly", () => {
  it("arrives whole, and the gateway waits for the client without piling listeners on the response", async () => {
    // ~300 KB of text deltas back to back: the client's socket fills long before the end.
    const words = Array.from({ length: 3_000 }, (_, index) => `word${index} `.padEnd(100, "."));
    mock.enqueue({ steps: [{ type: "text", text: words.join(""), deltas: words.length }] });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const request = httpRequest(
          `${gateway.url}/v1/messages`,
          {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "x-api-key": "k",
              "anthropic-version": "2023-06-01",
            },
          },
          (response) => {
            response.pause();
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("end", () =>
              resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
            );
            setTimeout(() => response.resume(), 300);
          },
        );
        request.on("error", reject);
        request.end(
          JSON.stringify({
            model: "chat/chat-model",
            max_tokens: 100,
            stream: true,
            messages: [{ role: "user", content: "write a lot" }],
          }),
        );
      });
      expect(status).toBe(200);
      const deltas = sseData(text)
        .map((data) => JSON.parse(data) as { type: string; delta?: { text?: string } })
        .filter((event) => event.type === "content_block_delta")
        .map((event) => event.delta?.text ?? "");
      expect(deltas.join("")).toBe(words.join(""));
      expect(text).toContain("message_stop");
      expect(warnings.map((warning) => warning.name)).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });
});
