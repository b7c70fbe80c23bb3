import type { OutgoingHttpHeaders } from "node:http";
import { type LlmuxError, toLlmuxError } from "../../core/model/errors.js";
import { ERROR_RENDERERS } from "../../core/protocols/error-renderers.js";
import type { RequestContext } from "./context.js";

function markFirstByte(context: RequestContext): void {
  if (context.log.ttfbMs === undefined) context.log.ttfbMs = performance.now() - context.startedAt;
}

/**
 * The headers every response of this request carries: its id and, once the request was routed
 * and tried, where it went. Built from the log at the one `writeHead`, so nothing is set on the
 * response earlier (node's `setHeader` then merging `writeHead`'s headers costs more per header).
 */
function llmuxHeaders(context: RequestContext): Record<string, string | number> {
  const log = context.log;
  const headers: Record<string, string | number> = { "x-request-id": context.id };
  if (log.routeReason !== undefined)
    headers["x-llmux-route"] = headerSafe(`${log.route} (${log.routeReason})`);
  if (log.target !== undefined) headers["x-llmux-target"] = headerSafe(log.target);
  if (log.attempts !== undefined) headers["x-llmux-attempts"] = String(log.attempts);
  return headers;
}

/** This request's headers, then `first`, then `headers` (a later name wins). */
function responseHeaders(
  context: RequestContext,
  first: Record<string, string | number>,
  headers: OutgoingHttpHeaders,
): OutgoingHttpHeaders {
  const result: OutgoingHttpHeaders = llmuxHeaders(context);
  for (const name in first) result[name] = first[name];
  for (const name in headers) result[name] = headers[name];
  return result;
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
  response.writeHead(
    status,
    responseHeaders(
      context,
      { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      headers,
    ),
  );
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

const STREAM_HEADERS = { "cache-control": "no-cache", "x-accel-buffering": "no" };

/** Start a streamed response. */
export function startStream(context: RequestContext, status: number, headers: OutgoingHttpHeaders): void {
  context.log.status = status;
  context.response.writeHead(status, responseHeaders(context, STREAM_HEADERS, headers));
  context.response.flushHeaders();
}

/** Headers only (a HEAD probe, say), with this request's own. */
export function sendHead(context: RequestContext, status: number, headers: OutgoingHttpHeaders): void {
  context.log.status = status;
  context.response.writeHead(status, responseHeaders(context, {}, headers)).end();
}

/**
 * Write stream bytes; resolves when the client can take more (backpressure). Every write made
 * while the client is behind shares one wait: an encoder writes several events per upstream
 * chunk, and a listener pair per write would pile up on the response (node warns past ten).
 */
export function writeChunk(context: RequestContext, chunk: string | Buffer): Promise<void> | undefined {
  markFirstByte(context);
  const response = context.response;
  if (response.destroyed) return undefined;
  if (response.write(chunk)) return undefined;
  context.drained ??= new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      context.drained = undefined;
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
  return context.drained;
}

const UNSAFE_HEADER_CHAR = /[^\x20-\x7e]/;
const UNSAFE_HEADER_CHARS = /[^\x20-\x7e]/g;

/** Client-supplied text (model names) as a header value: printable ASCII only, bounded. */
export function headerSafe(text: string): string {
  const printable = UNSAFE_HEADER_CHAR.test(text) ? text.replace(UNSAFE_HEADER_CHARS, "?") : text;
  return printable.length > 200 ? `${printable.slice(0, 197)}...` : printable;
}
