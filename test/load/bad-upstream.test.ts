import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Protocol } from "../../src/core/model/protocol.js";
import { DEFAULT_MAX_EVENT_BYTES } from "../../src/core/sse/decoder.js";
import type { RunningGateway } from "../../src/host/control/kernel.js";
import { resetHealth, startTestGateway } from "../support/gateway.js";
import { afterBody, type RawUpstream, startRawUpstream, waitFor } from "./support/host.js";
import { rawPost } from "./support/raw-client.js";
import { generationRequest, protocolErrorProblem } from "./support/wire.js";

/**
 * An upstream that answers 200 with something that is not an answer: each client gets a clear
 * error in its own protocol (an error status with the protocol's body, or once a stream has
 * started the protocol's error event and no clean stop), promptly, and the gateway keeps serving.
 */

const BOUND_MS = 10_000;
const OVERSIZED = DEFAULT_MAX_EVENT_BYTES + 2 * 1024 * 1024;

type Garbage = (response: import("node:http").ServerResponse) => void;

const SSE = { "content-type": "text/event-stream" };

function anthropicEvent(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}

/** A real beginning of an Anthropic stream: message and text block started, a first delta. */
const ANTHROPIC_PREFIX =
  anthropicEvent(
    "message_start",
    '{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":0}}}',
  ) +
  anthropicEvent(
    "content_block_start",
    '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
  ) +
  anthropicEvent(
    "content_block_delta",
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"partial "}}',
  );

/** Bytes that are no text at all (a fixed pseudo-random pattern, with a few line ends mixed in). */
function binaryNoise(size: number): Buffer {
  const noise = Buffer.alloc(size);
  let state = 0x2545f491;
  for (let index = 0; index < size; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    noise[index] = state & 0xff;
  }
  return noise;
}

/** One oversized SSE line: `data: ` and then `bytes` of text without a line end until the very last. */
function oversizedEvent(prefix: string, bytes: number): Buffer {
  return Buffer.concat([Buffer.from(prefix), Buffer.alloc(bytes, 0x78), Buffer.from('"}}\n\n')]);
}

const GARBAGE: Record<string, Garbage> = {
  "SSE data lines that are not JSON": (response) => {
    response.writeHead(200, SSE);
    response.end("data: this is not json\n\ndata: {broken\n\nevent: message_stop\ndata: <html>\n\n");
  },
  "binary noise labelled as an event stream": (response) => {
    response.writeHead(200, SSE);
    response.end(binaryNoise(64 * 1024));
  },
  "an HTML error page with status 200": (response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>");
  },
  "a JSON body labelled as an event stream": (response) => {
    response.writeHead(200, SSE);
    response.end('{"unexpected":"json","not":"events"}');
  },
  "an event stream labelled as JSON": (response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(ANTHROPIC_PREFIX);
  },
  "truncated JSON": (response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end('{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"te');
  },
  [`one ${Math.round(OVERSIZED / 1024 / 1024)} MB event, first`]: (response) => {
    response.writeHead(200, SSE);
    response.end(
      oversizedEvent(
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"',
        OVERSIZED,
      ),
    );
  },
  [`one ${Math.round(OVERSIZED / 1024 / 1024)} MB event, after output`]: (response) => {
    response.writeHead(200, SSE);
    response.write(ANTHROPIC_PREFIX);
    response.end(
      oversizedEvent(
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"',
        OVERSIZED,
      ),
    );
  },
};

/** Passthrough (Anthropic in, Anthropic upstream) and converted (OpenAI chat in), streamed and not. */
const CLIENTS: { name: string; protocol: Protocol; stream: boolean }[] = [
  { name: "passthrough stream", protocol: "anthropic", stream: true },
  { name: "passthrough", protocol: "anthropic", stream: false },
  { name: "converted stream", protocol: "openai-chat", stream: true },
  { name: "converted", protocol: "openai-chat", stream: false },
];

let upstream: RawUpstream;
let garbage: Garbage = GARBAGE["truncated JSON"]!;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = await startRawUpstream((request, response) => afterBody(request, () => garbage(response)));
  gateway = await startTestGateway({
    providers: {
      odd: {
        kind: "anthropic",
        baseUrl: upstream.url,
        credentials: [{ id: "k", apiKey: "key" }],
        models: { claude: { upstream: "odd-model" } },
        timeouts: { firstByteMs: 5_000, idleMs: 5_000 },
      },
    },
    routes: { default: ["odd/claude"] },
    failover: { maxAttempts: 1 },
  });
});

afterAll(async () => {
  await gateway.stop(1_000);
  await upstream.close();
});

describe.each(Object.keys(GARBAGE))("an upstream that sends %s", (name) => {
  for (const client of CLIENTS) {
    it(`${client.name}: a clear error in the client's protocol`, async () => {
      garbage = GARBAGE[name]!;
      resetHealth(gateway);
      const wire = generationRequest(client.protocol, "claude", client.stream);
      const exchange = await rawPost({
        url: gateway.url,
        path: wire.path,
        headers: wire.headers,
        body: wire.body,
        timeoutMs: BOUND_MS,
      });
      expect(exchange.outcome, exchange.error).toBe("answered");
      const problem = protocolErrorProblem(
        client.protocol,
        exchange.status,
        String(exchange.headers["content-type"] ?? ""),
        exchange.text.length > 4096
          ? `${exchange.text.slice(0, 2048)}…${exchange.text.slice(-2048)}`
          : exchange.text,
      );
      expect(problem).toBeUndefined();
    });
  }
});

describe("after all of it", () => {
  it("the gateway still answers /health, holds no permit, and serves a good upstream", async () => {
    const health = await fetch(`${gateway.url}/health`, { signal: AbortSignal.timeout(BOUND_MS) });
    expect(health.status).toBe(200);
    const idle = () => gateway.app.providers.all().every((provider) => provider.pool.totalInFlight() === 0);
    expect(await waitFor(idle, 2_000)).toBe(true);
    garbage = (response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          id: "msg_ok",
          type: "message",
          role: "assistant",
          model: "odd-model",
          content: [{ type: "text", text: "fine again" }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: { input_tokens: 1, output_tokens: 2 },
        }),
      );
    };
    resetHealth(gateway);
    const wire = generationRequest("openai-chat", "claude", false);
    const response = await fetch(`${gateway.url}${wire.path}`, {
      method: "POST",
      headers: wire.headers,
      body: wire.body,
      signal: AbortSignal.timeout(BOUND_MS),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("fine again");
  });
});
