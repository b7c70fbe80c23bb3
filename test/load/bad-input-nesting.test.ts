import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Protocol } from "../../src/core/model/protocol.js";
import type { RunningGateway } from "../../src/host/control/kernel.js";
import { type MockUpstream, startMockUpstream } from "../../src/mock/server.js";
import { mockProvidersConfig, resetHealth, startTestGateway } from "../support/gateway.js";
import { expectProtocolError, expectStillServing } from "./support/expect-answers.js";
import { type RawExchange, rawPost } from "./support/raw-client.js";
import { errorShapeProblem, generationBody, generationRequest } from "./support/wire.js";

/**
 * Deeply nested JSON (10,000 levels) and other bodies that are the client's own fault: a clear
 * answer (never a 5xx), and no credential or target blamed for them.
 */

const BOUND_MS = 5_000;

let mock: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  mock = await startMockUpstream({ recordRequests: false });
  gateway = await startTestGateway(
    mockProvidersConfig(mock.url, { failover: { backoffBaseMs: 10, backoffMaxMs: 50 } }),
  );
});

afterAll(async () => {
  await gateway.stop(1_000);
  await mock.close();
});

/** `depth` nested arrays around `inner`. */
function nested(depth: number, inner = "1"): string {
  return `${"[".repeat(depth)}${inner}${"]".repeat(depth)}`;
}

interface NestingCase {
  name: string;
  protocol: Protocol;
  model: string;
  /** Where the nesting goes: the messages, or a tool's parameter schema. */
  place: "messages" | "tool-schema";
}

// JSON.parse accepts 10,000 levels of nesting but JSON.stringify overflows the stack on them
// (re-serializing for a renamed passthrough model or a converted upstream). Such a body is the
// client's problem: a 400, never a 500 and never blamed on a credential.
const NESTING: NestingCase[] = [
  {
    name: "Anthropic passthrough, model renamed",
    protocol: "anthropic",
    model: "claude-model",
    place: "messages",
  },
  {
    name: "OpenAI chat passthrough, model renamed",
    protocol: "openai-chat",
    model: "chat-model",
    place: "messages",
  },
  {
    name: "Responses passthrough, model renamed",
    protocol: "openai-responses",
    model: "responses-model",
    place: "messages",
  },
  {
    name: "Gemini passthrough (body forwarded as is)",
    protocol: "gemini",
    model: "gemini-model",
    place: "messages",
  },
  {
    name: "Anthropic client to an OpenAI upstream (converted)",
    protocol: "anthropic",
    model: "chat-model",
    place: "messages",
  },
  {
    name: "OpenAI chat client to an Anthropic upstream, deep tool schema",
    protocol: "openai-chat",
    model: "claude-model",
    place: "tool-schema",
  },
  {
    name: "Gemini client to an Anthropic upstream, deep tool schema",
    protocol: "gemini",
    model: "claude-model",
    place: "tool-schema",
  },
];

/** A request with 10,000 levels of nesting at `place`. */
function deeplyNested(protocol: Protocol, model: string, place: NestingCase["place"]): string {
  const body = generationBody(protocol, model, false);
  const deep = nested(10_000);
  if (place === "messages") {
    const field = protocol === "gemini" ? "contents" : protocol === "openai-responses" ? "input" : "messages";
    return JSON.stringify({ ...body, [field]: "@" }).replace('"@"', deep);
  }
  const schema = { type: "object", properties: { deep: { type: "array", items: "@" } } };
  const tools =
    protocol === "gemini"
      ? [{ functionDeclarations: [{ name: "deep", description: "d", parameters: schema }] }]
      : protocol === "anthropic"
        ? [{ name: "deep", description: "d", input_schema: schema }]
        : protocol === "openai-responses"
          ? [{ type: "function", name: "deep", description: "d", parameters: schema }]
          : [{ type: "function", function: { name: "deep", description: "d", parameters: schema } }];
  return JSON.stringify({ ...body, tools }).replace('"@"', deep);
}

function sendWhole(protocol: Protocol, model: string, body: string): Promise<RawExchange> {
  const wire = generationRequest(protocol, model, false);
  return rawPost({ url: gateway.url, path: wire.path, headers: wire.headers, body, timeoutMs: BOUND_MS });
}

describe("10,000 levels of nesting: a clear answer, never a 5xx", () => {
  for (const nestingCase of NESTING) {
    const { name, protocol, model, place } = nestingCase;
    it(name, async () => {
      const exchange = await sendWhole(protocol, model, deeplyNested(protocol, model, place));
      expect(exchange.outcome).toBe("answered");
      expect(exchange.status, exchange.text.slice(0, 300)).toBeLessThan(500);
      if (exchange.status >= 400)
        expect(errorShapeProblem(protocol, exchange.status, exchange.text)).toBeUndefined();
      await expectStillServing(gateway);
    });
  }
});

/** Health records (credentials and targets) that a request left with errors. */
function blamed(): string[] {
  return gateway.app.health
    .all()
    .filter((record) => record.consecutiveErrors > 0 || record.penalty > 0)
    .map((record) => record.key);
}

// A client's own mistakes (a body the converted path rejects, an upstream 400 relayed as is) must
// not lower a target's routing weight: a client cannot steer routing by sending bad requests.
// model's consecutiveErrors and penalty, whatever the classification, so a client's own mistake
// (a body the converted path rejects while decoding, an upstream 400 relayed as is) lowers that
// target's routing weight (core/routing/round-robin.ts reads the penalty). And an exception thrown
// by the gateway itself (the stack overflow above) is classified as a network failure of the
// credential. A client should not be able to steer routing by sending bad requests.
describe("a client's mistake blames no credential and no target", () => {
  const rejected = JSON.stringify({ ...generationBody("anthropic", "chat-model", false), messages: "oops" });

  it("a body the converted path rejects -> 400", async () => {
    expectProtocolError("anthropic", await sendWhole("anthropic", "chat-model", rejected), 400);
  });

  it("a body the converted path rejects blames no target", async () => {
    resetHealth(gateway);
    await sendWhole("anthropic", "chat-model", rejected);
    expect(blamed()).toEqual([]);
  });

  it("a deeply nested body on a renamed passthrough blames no credential", async () => {
    resetHealth(gateway);
    await sendWhole("anthropic", "claude-model", deeplyNested("anthropic", "claude-model", "messages"));
    expect(blamed()).toEqual([]);
  });

  it("an upstream 400 relayed to the client blames no target", async () => {
    resetHealth(gateway);
    mock.enqueue({ error: { status: 400, message: "messages: field required" } });
    const exchange = await sendWhole(
      "openai-chat",
      "chat-model",
      JSON.stringify(generationBody("openai-chat", "chat-model", false)),
    );
    expectProtocolError("openai-chat", exchange, 400);
    expect(blamed()).toEqual([]);
  });
});
