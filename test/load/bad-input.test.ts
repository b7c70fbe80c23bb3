import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTOCOLS, type Protocol } from "../../src/core/model/protocol.js";
import type { RunningGateway } from "../../src/host/control/kernel.js";
import { type MockUpstream, startMockUpstream } from "../../src/mock/server.js";
import { mockProvidersConfig, startTestGateway } from "../support/gateway.js";
import { expectProtocolError, expectStillServing } from "./support/expect-answers.js";
import { delay } from "./support/host.js";
import { drip, filler, rawPost } from "./support/raw-client.js";
import { generationBody, generationPath, generationRequest } from "./support/wire.js";

/**
 * Bad input from clients: every case gets a clear error in the client's own protocol (status and
 * body shape), promptly, and the gateway keeps serving.
 */

const BODY_LIMIT = 256 * 1024;
/** Every exchange must end within this. */
const BOUND_MS = 5_000;

/** A model each protocol's client reaches through its own provider (passthrough). */
const MODEL: Record<Protocol, string> = {
  "openai-chat": "chat-model",
  "openai-responses": "responses-model",
  anthropic: "claude-model",
  gemini: "gemini-model",
};

let mock: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  mock = await startMockUpstream({ recordRequests: false });
  gateway = await startTestGateway(
    mockProvidersConfig(mock.url, {
      server: { bodyLimitBytes: BODY_LIMIT },
    }),
  );
});

afterAll(async () => {
  await gateway.stop(1_000);
  await mock.close();
});

type RawExchangeBody = Parameters<typeof rawPost>[0]["body"];

function post(protocol: Protocol, body: RawExchangeBody, headers: Record<string, string> = {}) {
  const wire = generationRequest(protocol, MODEL[protocol], false);
  return rawPost({
    url: gateway.url,
    path: wire.path,
    headers: { ...wire.headers, ...headers },
    body,
    timeoutMs: BOUND_MS,
  });
}

describe.each(PROTOCOLS)("bad input from a %s client", (protocol) => {
  const valid = JSON.stringify(generationBody(protocol, MODEL[protocol], false));

  it("malformed JSON -> 400", async () => {
    expectProtocolError(protocol, await post(protocol, '{"model": "x", "messages": [,]}'), 400);
  });

  it("truncated JSON -> 400", async () => {
    expectProtocolError(protocol, await post(protocol, valid.slice(0, Math.floor(valid.length / 2))), 400);
  });

  it("an empty body -> 400", async () => {
    expectProtocolError(protocol, await post(protocol, ""), 400);
  });

  it.each(["[]", '"hello"', "null", "42", "true", "[{}]"])(
    "a JSON body that is not an object (%s) -> 400",
    async (body) => {
      expectProtocolError(protocol, await post(protocol, body), 400);
    },
  );

  it("invalid UTF-8 inside a string -> 400", async () => {
    const [head, tail] = valid.split("hi");
    const body = Buffer.concat([
      Buffer.from(head!),
      Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
      Buffer.from(tail!),
    ]);
    expectProtocolError(protocol, await post(protocol, body), 400);
  });

  it.each([
    "text/html",
    "multipart/form-data; boundary=x",
    "application/xml",
    "application/x-www-form-urlencoded",
  ])("content-type %s -> 415", async (type) => {
    expectProtocolError(protocol, await post(protocol, valid, { "content-type": type }), 415);
  });

  it("a declared body over the limit -> 413, without reading it", async () => {
    const exchange = await post(protocol, filler(8, BODY_LIMIT / 2), {
      "content-length": String(4 * BODY_LIMIT),
    });
    expectProtocolError(protocol, exchange, 413);
  });

  it("a chunked body over the limit -> 413", async () => {
    expectProtocolError(protocol, await post(protocol, filler(8, BODY_LIMIT / 2)), 413);
  });
});

describe("huge and slow bodies", () => {
  it("a 64 MB upload is refused as soon as it crosses the limit, not after it has all been sent", async () => {
    const exchange = await post("anthropic", filler(1024, 64 * 1024));
    expectProtocolError("anthropic", exchange, 413);
    expect(exchange.sentBytes).toBeLessThan(16 * 1024 * 1024);
    await expectStillServing(gateway);
  });

  it("a body dripped in 10 pieces over a second is served normally", async () => {
    const body = Buffer.from(JSON.stringify(generationBody("openai-chat", "chat-model", false)));
    const exchange = await post("openai-chat", drip(body, 10, 100));
    expect(exchange.outcome).toBe("answered");
    expect(exchange.status).toBe(200);
  });

  it("a dripped body is refused with 413 when it crosses the limit, while it is still dripping", async () => {
    async function* overLimit() {
      for (let piece = 0; piece < 40; piece++) {
        if (piece > 0) await delay(50);
        yield Buffer.alloc(BODY_LIMIT / 8, 0x61);
      }
    }
    const exchange = await post("gemini", overLimit());
    expectProtocolError("gemini", exchange, 413);
    expect(exchange.sentBytes).toBeLessThan(20 * (BODY_LIMIT / 8));
  });

  it("after all of it the gateway still serves", async () => {
    await expectStillServing(gateway);
    const wire = generationRequest("anthropic", "claude-model", false);
    const response = await fetch(`${gateway.url}${wire.path}`, {
      method: "POST",
      headers: wire.headers,
      body: wire.body,
      signal: AbortSignal.timeout(BOUND_MS),
    });
    expect(response.status).toBe(200);
  });
});

describe("a body that stalls", () => {
  // A client that sends half a body and stops must not hold a connection (and its buffered
  // bytes) forever: after `server.bodyTimeoutMs` without a byte it gets a 408 in its protocol.
  it("a client that sends half a body and stops gets a 408 within a few seconds", async () => {
    const local = await startTestGateway(mockProvidersConfig(mock.url, { server: { bodyTimeoutMs: 1_000 } }));
    try {
      const valid = Buffer.from(JSON.stringify(generationBody("anthropic", "claude-model", false)));
      async function* stall() {
        yield valid.subarray(0, valid.length >> 1);
        await delay(4_000);
      }
      const wire = generationRequest("anthropic", "claude-model", false);
      const exchange = await rawPost({
        url: local.url,
        path: generationPath("anthropic", "claude-model", false),
        headers: { ...wire.headers, "content-length": String(valid.length) },
        body: stall(),
        timeoutMs: 3_000,
      });
      expectProtocolError("anthropic", exchange, 408);
    } finally {
      await local.stop(100);
    }
  });
});
