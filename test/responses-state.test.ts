import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { RunningGateway } from "../src/host/control/kernel.js";
import { type MockUpstream, startMockUpstream } from "../src/mock/server.js";
import { mockProvidersConfig, resetHealth, startTestGateway } from "./support/gateway.js";

/** Responses API state (`previous_response_id`, `store`) against upstreams that keep none. */

let mock: MockUpstream;
let gateway: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream();
  gateway = await startTestGateway(mockProvidersConfig(mock.url));
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "test", maxRetries: 0 });
});

afterAll(async () => {
  await gateway.stop(500);
  await mock.close();
});

beforeEach(() => {
  mock.reset();
  resetHealth(gateway);
});

function sentMessages(index: number): string {
  return JSON.stringify(
    (mock.requests[index]!.body as { messages?: unknown; contents?: unknown }).messages ??
      (mock.requests[index]!.body as { contents?: unknown }).contents,
  );
}

for (const [upstream, model] of [
  ["anthropic", "claude-model"],
  ["gemini", "gemini-model"],
  ["openai-chat", "chat-model"],
] as const) {
  it(`chains turns with previous_response_id through a ${upstream} upstream`, async () => {
    mock.enqueue(
      { steps: [{ type: "text", text: "Nice to meet you, Ada." }] },
      { steps: [{ type: "text", text: "Your name is Ada." }] },
    );
    const first = await client.responses.create({
      model,
      input: "My name is Ada.",
      instructions: "Be brief.",
    });
    expect(first.id).toMatch(/^resp_/);
    const second = await client.responses
      .stream({ model, input: "What is my name?", previous_response_id: first.id })
      .finalResponse();
    expect(second.output_text).toBe("Your name is Ada.");
    const history = sentMessages(1);
    expect(history).toContain("My name is Ada.");
    expect(history).toContain("Nice to meet you, Ada.");
    expect(history).toContain("What is my name?");
    expect(JSON.stringify(mock.requests[1]!.body)).toContain("Be brief.");

    // The streamed second turn is stored too: a third turn chains onto it.
    mock.enqueue({ steps: [{ type: "text", text: "Still Ada." }] });
    const third = await client.responses.create({
      model,
      input: "And now?",
      previous_response_id: second.id,
    });
    expect(third.output_text).toBe("Still Ada.");
    expect(sentMessages(2)).toContain("Your name is Ada.");
  });
}

it("a response created with store: false cannot be chained onto", async () => {
  mock.enqueue({ steps: [{ type: "text", text: "Not kept." }] });
  const first = await client.responses.create({ model: "claude-model", input: "Hello", store: false });
  await expect(
    client.responses.create({ model: "claude-model", input: "Again", previous_response_id: first.id }),
  ).rejects.toMatchObject({
    status: 400,
    param: "previous_response_id",
  });
});
