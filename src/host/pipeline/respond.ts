import type { OutgoingHttpHeaders } from "node:http";
import { type LlmuxError, toLlmuxError } from "../../core/model/errors.js";
import { ERROR_RENDERERS } from "../../core/protocols/error-renderers.js";
import type { RequestContext } from "./context.js";

function markFirstByte(context: RequestContext): void {
  if (context.log.ttfbMs === undefined) context.log.ttfbMs = performance.now() - context.startedAt;
}

/** Send a whole JSON (or pre-serialized) body. */
export function sendBody(
  context: RequestContext,
  status: number,
  body: string | Buffer,
  headers: OutgoingHttpHeaders = {},
): void {
  const response = context.response;
  if (response.headersSent || response.destroyed) return;
  context.log.status = status;
  markFirstByte(context);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}

export function sendJson(
  context: RequestContext,
  status: number,
  value: unknown,
  headers?: OutgoingHttpHeaders,
): void {
  sendBody(context, status, JSON.stringify(value), headers);
}

/** An error as the client protocol's error response (or in-stream error event once streaming). */
export function sendError(context: RequestContext, error: unknown): void {
  const llmuxError: LlmuxError = toLlmuxError(error);
  const renderer = ERROR_RENDERERS[context.protocol];
  context.log.error = llmuxError.message;
  const response = context.response;
  if (response.destroyed || response.writableEnded) return;
  if (response.headersSent) {
    response.end(renderer.renderStream(llmuxError.toData()));
    return;
  }
  const rendered = renderer.render(llmuxError.toData());
  sendJson(context, rendered.status, rendered.body, rendered.headers);
}

/** Start a streamed response. */
export function startStream(context: RequestContext, status: number, headers: OutgoingHttpHeaders): void {
  context.log.status = status;
  context.response.writeHead(status, {
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
    ...headers,
  });
  context.response.flushHeaders();
}

/** Write stream bytes; resolves when the client can take more (backpressure). */
export function writeChunk(context: RequestContext, chunk: string | Buffer): Promise<void> | undefined {
  markFirstByte(context);
  const response = context.response;
  if (response.destroyed) return undefined;
  if (response.write(chunk)) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}

/** Client-supplied text (model names) as a header value: printable ASCII only, bounded. */
export function headerSafe(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > 200 ? `${printable.slice(0, 197)}...` : printable;
}
