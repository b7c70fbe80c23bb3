import { request as httpRequest, type IncomingHttpHeaders } from "node:http";

/** What a hand-driven client saw: the answer, or how the exchange ended without one. */
export interface RawExchange {
  /** "answered": a whole response; "closed": the connection ended without one; "timeout": nothing within the bound. */
  outcome: "answered" | "closed" | "timeout";
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Request body bytes written before the exchange ended. */
  sentBytes: number;
  elapsedMs: number;
  error?: string;
}

export interface RawPostOptions {
  url: string;
  path: string;
  headers: Record<string, string>;
  /** The body: bytes at once, or pieces written one by one (each awaited, so pieces can drip). */
  body: Buffer | string | AsyncIterable<Buffer | string>;
  /** The whole exchange must end within this; otherwise the socket is destroyed and the outcome is "timeout". */
  timeoutMs: number;
}

/**
 * POST over a fresh connection with node:http, tolerating what a sloppy or hostile client
 * meets: an answer that arrives while the body is still being sent, a connection closed
 * mid-upload. Never rejects.
 */
export function rawPost(options: RawPostOptions): Promise<RawExchange> {
  const began = performance.now();
  return new Promise((resolve) => {
    const exchange: RawExchange = {
      outcome: "closed",
      status: 0,
      headers: {},
      text: "",
      sentBytes: 0,
      elapsedMs: 0,
    };
    let settled = false;
    const finish = (outcome: RawExchange["outcome"], error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      exchange.outcome = outcome;
      exchange.elapsedMs = Math.round(performance.now() - began);
      if (error !== undefined) exchange.error = error;
      request.destroy();
      resolve(exchange);
    };
    const target = new URL(options.path, options.url);
    const request = httpRequest(target, { method: "POST", headers: options.headers, agent: false });
    const timer = setTimeout(() => finish("timeout"), options.timeoutMs);
    request.on("response", (response) => {
      exchange.status = response.statusCode ?? 0;
      exchange.headers = response.headers;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        exchange.text = Buffer.concat(chunks).toString("utf8");
        finish("answered");
      });
      response.on("error", (error) => finish("closed", error.message));
      response.on("close", () => finish(response.complete ? "answered" : "closed"));
    });
    request.on("error", (error) => {
      // A write error after the answer started (the server stopped reading) is not the outcome.
      if (exchange.status === 0) finish("closed", error.message);
    });
    const write = async () => {
      const body = options.body;
      if (typeof body === "string" || Buffer.isBuffer(body)) {
        exchange.sentBytes += Buffer.byteLength(body);
        request.end(body);
        return;
      }
      for await (const piece of body) {
        if (settled || request.destroyed) return;
        exchange.sentBytes += Buffer.byteLength(piece);
        if (!request.write(piece)) {
          await new Promise<void>((resume) => {
            const done = () => {
              request.off("drain", done);
              request.off("close", done);
              resume();
            };
            request.on("drain", done);
            request.on("close", done);
          });
        }
      }
      if (!settled && !request.destroyed) request.end();
    };
    write().catch((error: unknown) => finish("closed", String(error)));
  });
}

/** `total` bytes of `body` split into `pieces`, each after `everyMs`. */
export async function* drip(body: Buffer, pieces: number, everyMs: number): AsyncIterable<Buffer> {
  const size = Math.ceil(body.length / pieces);
  for (let offset = 0; offset < body.length; offset += size) {
    if (offset > 0) await new Promise((resolve) => setTimeout(resolve, everyMs));
    yield body.subarray(offset, offset + size);
  }
}

/** `count` chunks of `chunkBytes` filler, as fast as the socket takes them. */
export async function* filler(count: number, chunkBytes: number): AsyncIterable<Buffer> {
  const chunk = Buffer.alloc(chunkBytes, 0x61);
  for (let index = 0; index < count; index++) yield chunk;
}
