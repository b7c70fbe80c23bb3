import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { LlmuxError } from "../../core/model/errors.js";

const NON_JSON_TYPES =
  /^(multipart\/|application\/x-www-form-urlencoded|text\/html|application\/xml|text\/xml)/i;

/** Refuse bodies that are clearly not JSON before reading them. */
export function checkContentType(request: IncomingMessage): void {
  const type = request.headers["content-type"];
  if (type !== undefined && NON_JSON_TYPES.test(type)) {
    throw new LlmuxError(
      "unsupported_media_type",
      `content-type ${type.split(";")[0]} is not supported; send application/json`,
    );
  }
}

/** A body being read: when its last byte arrived, and what to do if no more come. */
interface PendingRead {
  lastByteAt: number;
  stalled(): void;
}

/**
 * The body reads in progress for one idle limit, checked by one shared timer. A timer per
 * request (armed, refreshed on every chunk, cleared at the end) cost ~3 % of a small request's
 * CPU; here a read costs a set entry and a clock read per chunk. A stalled read is found within
 * a tenth of the limit (at most a second) after the limit passes. The timer runs only while
 * reads are in progress and never keeps the process alive.
 */
class StallWatch {
  private readonly idleMs: number;
  private readonly periodMs: number;
  private readonly reads = new Set<PendingRead>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(idleMs: number) {
    this.idleMs = idleMs;
    this.periodMs = Math.max(5, Math.min(1_000, Math.ceil(idleMs / 10)));
  }

  add(read: PendingRead): void {
    this.reads.add(read);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.periodMs);
      this.timer.unref();
    }
  }

  delete(read: PendingRead): void {
    this.reads.delete(read);
  }

  private sweep(): void {
    const now = performance.now();
    for (const read of this.reads) {
      if (now - read.lastByteAt >= this.idleMs) {
        this.reads.delete(read);
        read.stalled();
      }
    }
    if (this.reads.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

/** One watch per idle limit in use (a reload may change it; old limits' watches go idle). */
const watches = new Map<number, StallWatch>();

function stallWatch(idleMs: number): StallWatch {
  let watch = watches.get(idleMs);
  if (watch === undefined) {
    watch = new StallWatch(idleMs);
    watches.set(idleMs, watch);
  }
  return watch;
}

/**
 * Read the whole request body, refusing more than `limit` bytes and bytes that are not UTF-8,
 * and a body that stops arriving for `idleMs` (a stalled or slow-drip client gets a 408).
 */
export function readBody(request: IncomingMessage, limit: number, idleMs = 30_000): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const watch = stallWatch(idleMs);
    const read: PendingRead = {
      lastByteAt: performance.now(),
      stalled() {
        if (failed) return;
        failed = true;
        chunks.length = 0;
        reject(
          new LlmuxError("timeout", `request body stalled: nothing arrived for ${idleMs} ms`, {
            status: 408,
          }),
        );
      },
    };
    watch.add(read);
    request.on("close", () => watch.delete(read));
    request.on("data", (chunk: Buffer) => {
      if (failed) return;
      read.lastByteAt = performance.now();
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        watch.delete(read);
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      watch.delete(read);
      if (failed) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      if (!isUtf8(body)) {
        reject(new LlmuxError("invalid_request", "request body is not valid UTF-8"));
        return;
      }
      resolve(body);
    });
    request.on("error", (error) => {
      watch.delete(read);
      if (!failed) reject(new LlmuxError("invalid_request", `could not read request body: ${error.message}`));
      failed = true;
    });
  });
}

function tooLarge(limit: number): LlmuxError {
  return new LlmuxError("request_too_large", `request body exceeds the limit of ${limit} bytes`);
}
