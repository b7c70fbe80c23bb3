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
    const timer = setTimeout(stalled, idleMs);
    function stalled(): void {
      if (failed) return;
      failed = true;
      chunks.length = 0;
      reject(
        new LlmuxError("timeout", `request body stalled: nothing arrived for ${idleMs} ms`, { status: 408 }),
      );
    }
    request.on("close", () => clearTimeout(timer));
    request.on("data", (chunk: Buffer) => {
      if (failed) return;
      timer.refresh();
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      clearTimeout(timer);
      if (failed) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      if (!isUtf8(body)) {
        reject(new LlmuxError("invalid_request", "request body is not valid UTF-8"));
        return;
      }
      resolve(body);
    });
    request.on("error", (error) => {
      if (!failed) reject(new LlmuxError("invalid_request", `could not read request body: ${error.message}`));
      failed = true;
    });
  });
}

function tooLarge(limit: number): LlmuxError {
  return new LlmuxError("request_too_large", `request body exceeds the limit of ${limit} bytes`);
}
