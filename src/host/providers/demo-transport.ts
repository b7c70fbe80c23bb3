import { setTimeout as sleep } from "node:timers/promises";
import { safeParseJson } from "../../core/json/safe-parse.js";
import { toAbortSignal } from "../pipeline/client-gone.js";
import type { Transport, UpstreamRequest, UpstreamResponse } from "./transport.js";

const COUNT_TOKENS = /(\/count_tokens|:countTokens)$/;

async function* paced(
  frames: readonly string[],
  delayMs: number,
  signal: AbortSignal,
): AsyncIterable<Buffer> {
  for (let index = 0; index < frames.length; index++) {
    if (index > 0) await sleep(delayMs, undefined, { signal });
    yield Buffer.from(frames[index]!);
  }
}

async function* once(body: string): AsyncIterable<Buffer> {
  yield Buffer.from(body);
}

/**
 * The built-in demo model, in-process: no network, no key. It speaks every protocol natively,
 * so it answers in the protocol of the request it is given, streaming with real pacing.
 */
export class DemoTransport implements Transport {
  private readonly delayMs: number | undefined;

  /** `delayMs` between streamed frames (default: the demo model's own pacing). */
  constructor(delayMs?: number) {
    this.delayMs = delayMs;
  }

  async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    // Loaded on first use: a gateway that never routes to the demo model does not hold the renderer.
    const { demoChunkDelayMs, demoPromptTokens, renderDemoResponse } = await import("../../mock/demo.js");
    const text = typeof request.body === "string" ? request.body : request.body.toString("utf8");
    const parsed = safeParseJson(text);
    const body = parsed.ok ? parsed.value : {};
    if (COUNT_TOKENS.test(request.url)) {
      const tokens = demoPromptTokens(body);
      const payload = request.protocol === "gemini" ? { totalTokens: tokens } : { input_tokens: tokens };
      return {
        status: 200,
        headers: { "content-type": "application/json" },
        body: once(JSON.stringify(payload)),
        discard() {},
      };
    }
    const rendered = renderDemoResponse(request.protocol, body, {
      stream: request.stream,
      model: "demo",
      created: Math.floor(Date.now() / 1000),
    });
    const headers = { ...rendered.headers, "content-type": rendered.contentType };
    if ("frames" in rendered) {
      return {
        status: rendered.status,
        headers,
        body: paced(rendered.frames, this.delayMs ?? demoChunkDelayMs, toAbortSignal(request.signal)),
        discard() {},
      };
    }
    return { status: rendered.status, headers, body: once(rendered.body), discard() {} };
  }

  async close(): Promise<void> {}
}
