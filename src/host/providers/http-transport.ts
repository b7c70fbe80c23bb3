import type { IncomingHttpHeaders } from "node:http";
import { Agent, type Dispatcher, ProxyAgent, errors as undiciErrors, util as undiciUtil } from "undici";
import { LlmuxError } from "../../core/model/errors.js";
import type { Timeouts } from "../config/resolved.js";
import type { AbortLike } from "../pipeline/client-gone.js";
import {
  responseTooLarge,
  type Transport,
  type UpstreamRequest,
  type UpstreamResponse,
  type WholeBody,
} from "./transport.js";

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

  send(request: UpstreamRequest): Promise<UpstreamResponse> {
    return new Promise((resolve, reject) => {
      new UpstreamCall(request, resolve, reject).start(this.agent, request);
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Upstream URLs split into undici's origin and path, once per distinct URL (there are few). */
const splitUrls = new Map<string, { origin: string; path: string }>();
const MAX_SPLIT_URLS = 1024;

function splitUrl(url: string): { origin: string; path: string } {
  let split = splitUrls.get(url);
  if (split === undefined) {
    const parsed = new URL(url);
    split = { origin: parsed.origin, path: parsed.pathname + parsed.search };
    if (splitUrls.size >= MAX_SPLIT_URLS) splitUrls.clear();
    splitUrls.set(url, split);
  }
  return split;
}

/** Body bytes held for a consumer that has not asked for them yet, before the upstream is paused. */
const HIGH_WATER_BYTES = 64 * 1024;

type Waiter = { resolve: (result: IteratorResult<Buffer>) => void; reject: (error: unknown) => void };
type WholeWaiter = { limit: number; resolve: (body: Buffer) => void; reject: (error: unknown) => void };

/**
 * One upstream call, driven by undici's dispatch handler callbacks, and its response body as an
 * async iterable: chunks go straight from undici to the consumer (no Readable stream, no
 * generator wrapper), errors arrive already mapped to LlmuxErrors, and the client going away or
 * the total timeout aborts the call without a combined AbortSignal per request. Backpressure:
 * past HIGH_WATER_BYTES unread, undici stops reading the socket until the consumer catches up.
 */
class UpstreamCall implements AsyncIterableIterator<Buffer>, WholeBody {
  private readonly url: string;
  private readonly signal: AbortLike;
  private resolveResponse: ((response: UpstreamResponse) => void) | undefined;
  private rejectResponse: ((error: unknown) => void) | undefined;
  private abortUpstream: ((error: Error) => void) | undefined;
  private resumeUpstream: (() => void) | undefined;
  /** Why the call was cancelled before undici connected it. */
  private reason: Error | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private paused = false;
  private waiter: Waiter | undefined;
  /** A consumer waiting for the whole body (`readWhole`): chunks are only queued, never paused. */
  private whole: WholeWaiter | undefined;
  /** The body ended (complete, failed or discarded): nothing more will arrive. */
  private ended = false;
  private failure: LlmuxError | undefined;
  private readonly onClientGone = (): void => {
    this.cancel(transportError(this.signal.reason, this.url));
  };

  constructor(
    request: UpstreamRequest,
    resolve: (response: UpstreamResponse) => void,
    reject: (error: unknown) => void,
  ) {
    this.url = request.url;
    this.signal = request.signal;
    this.resolveResponse = resolve;
    this.rejectResponse = reject;
  }

  /** Dispatch the call. The request (and its body) is not kept: a long stream holds only this object. */
  start(agent: Dispatcher, request: UpstreamRequest): void {
    if (this.signal.aborted) {
      this.fail(transportError(this.signal.reason, this.url));
      return;
    }
    this.signal.addEventListener("abort", this.onClientGone);
    const totalMs = request.timeouts.totalMs;
    if (totalMs > 0) {
      this.timer = setTimeout(() => {
        this.cancel(
          new LlmuxError("timeout", `upstream ${new URL(this.url).host} exceeded the total timeout`),
        );
      }, totalMs);
    }
    let split: { origin: string; path: string };
    try {
      split = splitUrl(this.url);
    } catch (error) {
      this.fail(transportError(error, this.url));
      return;
    }
    agent.dispatch(
      {
        origin: split.origin,
        path: split.path,
        method: "POST",
        headers: request.headers,
        body: request.body,
        headersTimeout: request.timeouts.firstByteMs,
        bodyTimeout: request.timeouts.idleMs,
      },
      this,
    );
  }

  // undici's dispatch handler (the callbacks its own `request()` uses).

  onConnect(abort: (error?: Error) => void): void {
    if (this.reason !== undefined) abort(this.reason);
    else this.abortUpstream = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true;
    this.resumeUpstream = resume;
    const resolve = this.resolveResponse;
    this.resolveResponse = undefined;
    this.rejectResponse = undefined;
    resolve?.({
      status: statusCode,
      headers: undiciUtil.parseHeaders(rawHeaders) as IncomingHttpHeaders,
      body: this,
      discard: () => this.discard(),
    });
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.ended) return true;
    const whole = this.whole;
    if (whole !== undefined) {
      this.queue.push(chunk);
      this.queuedBytes += chunk.length;
      if (this.queuedBytes > whole.limit) {
        this.whole = undefined;
        this.discard();
        whole.reject(responseTooLarge(whole.limit));
      }
      return true;
    }
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.resolve({ value: chunk, done: false });
      return true;
    }
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.queuedBytes < HIGH_WATER_BYTES) return true;
    this.paused = true;
    return false;
  }

  onComplete(): void {
    if (this.ended) return;
    this.ended = true;
    this.release();
    const whole = this.whole;
    if (whole !== undefined) {
      this.whole = undefined;
      whole.resolve(this.takeQueue());
      return;
    }
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve({ value: undefined, done: true });
  }

  onError(error: Error): void {
    this.fail(transportError(error, this.url));
  }

  // The body, for the consumer.

  [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> {
    return this;
  }

  next(): Promise<IteratorResult<Buffer>> {
    if (this.queue.length > 0) {
      // Everything that arrived while the consumer was busy, as one chunk (as a Readable's
      // read() gives it): a burst of small frames costs one turn of the consumer, not one each.
      const chunk = this.takeQueue();
      if (this.paused) this.resume();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    const next = new Promise<IteratorResult<Buffer>>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
    // After the waiter is in place: undici may hand over what it holds during resume() itself.
    if (this.paused) this.resume();
    return next;
  }

  /** The rest of the body in one piece, when it has all arrived (one promise, not one per chunk). */
  readWhole(limit: number): Promise<Buffer> {
    if (this.queuedBytes > limit) {
      this.discard();
      return Promise.reject(responseTooLarge(limit));
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(this.takeQueue());
    const whole = new Promise<Buffer>((resolve, reject) => {
      this.whole = { limit, resolve, reject };
    });
    if (this.paused) this.resume();
    return whole;
  }

  private takeQueue(): Buffer {
    const queue = this.queue;
    const chunk =
      queue.length === 1
        ? queue[0]!
        : queue.length === 0
          ? Buffer.alloc(0)
          : Buffer.concat(queue, this.queuedBytes);
    queue.length = 0;
    this.queuedBytes = 0;
    return chunk;
  }

  /** The consumer stopped early (break, or a throw in its loop): the rest is not wanted. */
  return(): Promise<IteratorResult<Buffer>> {
    this.discard();
    return Promise.resolve({ value: undefined, done: true });
  }

  private resume(): void {
    this.paused = false;
    this.resumeUpstream?.();
  }

  /** Drop the rest of the body and free the connection. */
  private discard(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.release();
    this.abortUpstream?.(new undiciErrors.RequestAbortedError());
  }

  /** Client gone or total timeout: abort the call; its consumer sees `error`. */
  private cancel(error: LlmuxError): void {
    if (this.abortUpstream === undefined) {
      // Not connected yet: undici aborts it on connect; the caller hears now.
      this.reason = error;
      this.fail(error);
      return;
    }
    this.abortUpstream(error);
  }

  private fail(error: LlmuxError): void {
    const reject = this.rejectResponse;
    if (reject !== undefined) {
      this.resolveResponse = undefined;
      this.rejectResponse = undefined;
      this.ended = true;
      this.release();
      reject(error);
      return;
    }
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.release();
    const whole = this.whole;
    this.whole = undefined;
    whole?.reject(error);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }

  /** The call is over for us: stop the timer and the client-gone listener. */
  private release(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.signal.removeEventListener("abort", this.onClientGone);
  }
}
