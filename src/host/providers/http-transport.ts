import { Agent, type Dispatcher, ProxyAgent, errors as undiciErrors } from "undici";
import { LlmuxError } from "../../core/model/errors.js";
import type { Timeouts } from "../config/resolved.js";
import type { Transport, UpstreamRequest, UpstreamResponse } from "./transport.js";

/** Network failures as LlmuxErrors: timeouts by phase, everything else an upstream error. */
export function transportError(error: unknown, url: string): LlmuxError {
  if (error instanceof LlmuxError) return error;
  const host = new URL(url).host;
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new LlmuxError("timeout", `connect timeout to ${host}`, { cause: error });
  }
  if (error instanceof undiciErrors.HeadersTimeoutError) {
    return new LlmuxError("timeout", `no response headers from ${host} within the first-byte timeout`, {
      cause: error,
    });
  }
  if (error instanceof undiciErrors.BodyTimeoutError) {
    return new LlmuxError("timeout", `upstream ${host} went idle mid-response`, { cause: error });
  }
  if (error instanceof Error && error.name === "TimeoutError") {
    return new LlmuxError("timeout", `upstream ${host} exceeded the total timeout`, { cause: error });
  }
  const code = (error as { code?: unknown } | null)?.code;
  const detail = typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
  return new LlmuxError("upstream_error", `cannot reach upstream ${host}: ${detail}`, { cause: error });
}

/** HTTP to an upstream over a keep-alive undici pool, with connect, first-byte and idle timeouts. */
export class HttpTransport implements Transport {
  private readonly agent: Dispatcher;

  /** `proxy`: an HTTP(S) proxy URL every request of this transport goes through. */
  constructor(timeouts: Timeouts, proxy?: string) {
    const options = {
      connect: { timeout: timeouts.connectMs },
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      pipelining: 1,
    };
    this.agent = proxy === undefined ? new Agent(options) : new ProxyAgent({ ...options, uri: proxy });
  }

  async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const url = new URL(request.url);
    const signal =
      request.timeouts.totalMs > 0
        ? AbortSignal.any([request.signal, AbortSignal.timeout(request.timeouts.totalMs)])
        : request.signal;
    try {
      const response = await this.agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: "POST",
        headers: request.headers,
        body: request.body,
        signal,
        headersTimeout: request.timeouts.firstByteMs,
        bodyTimeout: request.timeouts.idleMs,
      });
      const body = response.body;
      return {
        status: response.statusCode,
        headers: response.headers,
        body: mapBodyErrors(body as AsyncIterable<Buffer>, request.url),
        discard: () => {
          body.destroy();
        },
      };
    } catch (error) {
      throw transportError(error, request.url);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

async function* mapBodyErrors(body: AsyncIterable<Buffer>, url: string): AsyncIterable<Buffer> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    throw transportError(error, url);
  }
}
