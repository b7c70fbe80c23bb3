import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { safeParseJson } from "../core/json/safe-parse.js";
import { isJsonObject, type JsonObject } from "../core/model/json.js";
import { assertNever, type Protocol } from "../core/model/protocol.js";
import { renderMockResponse } from "./render/mock-response.js";
import { resolveMockRoute } from "./route.js";
import type { MockScript } from "./script.js";
import { checkMockScript } from "./script-schema.js";
import { writeRendering } from "./write-rendering.js";

/** One request the mock received, as recorded for assertions. */
export interface MockRequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when empty or not JSON. */
  body: unknown;
  rawBody: string;
  /** The protocol the path speaks, when it is a known endpoint. */
  protocol?: Protocol;
  /** Whether the request asked for a stream (`stream: true`, or Gemini streamGenerateContent). */
  stream: boolean;
}

export type MockScriptSource = MockScript | ((request: MockRequestRecord) => MockScript);

export interface MockUpstreamOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Model ids listed by GET /v1/models. */
  models?: string[];
  /** Keep every request in `requests` (default true; turn off for long benchmark runs). */
  recordRequests?: boolean;
  /** Unix milliseconds, for `created` fields. Default Date.now. */
  now?: () => number;
}

export interface MockUpstream {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: MockRequestRecord[];
  /** Scripts for the next generation requests, consumed in request order. */
  enqueue(...scripts: MockScript[]): void;
  /** The script (or script builder) used when the queue is empty. */
  setDefault(source: MockScriptSource): void;
  /** Forget recorded requests, queued scripts and the default. */
  reset(): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

function listModels(protocol: Protocol, models: readonly string[], created: number): JsonObject {
  if (protocol === "gemini") {
    return {
      models: models.map((id) => ({
        name: `models/${id}`,
        displayName: id,
        supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
      })),
    };
  }
  if (protocol === "anthropic") {
    const data = models.map((id) => ({
      type: "model",
      id,
      display_name: id,
      created_at: new Date(created * 1000).toISOString(),
    }));
    return { data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null };
  }
  return {
    object: "list",
    data: models.map((id) => ({ id, object: "model", created, owned_by: "llmux-mock" })),
  };
}

/** The script in an `x-mock-script` header; a string says why it was refused. */
function parseHeaderScript(value: string | string[] | undefined): MockScript | string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const parsed = safeParseJson(text);
  if (!parsed.ok) return `x-mock-script is not JSON: ${parsed.error}`;
  const checked = checkMockScript(parsed.value);
  return checked.ok ? checked.script : checked.error;
}

/** A fake LLM upstream on node:http that speaks all four protocols and is scripted per request. */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const host = options.host ?? "127.0.0.1";
  const models = options.models ?? ["mock-model", "mock-model-large"];
  const now = options.now ?? Date.now;
  const requests: MockRequestRecord[] = [];
  const queue: MockScript[] = [];
  let fallback: MockScriptSource = {};
  let counter = 0;

  const pickScript = (record: MockRequestRecord): MockScript | string => {
    const fromHeader = parseHeaderScript(record.headers["x-mock-script"]);
    if (fromHeader !== undefined) return fromHeader;
    const queued = queue.shift();
    if (queued !== undefined) return queued;
    return typeof fallback === "function" ? fallback(record) : fallback;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const aborter = new AbortController();
    response.on("close", () => aborter.abort());
    const rawBody = await readBody(request);
    const url = new URL(request.url ?? "/", "http://mock.invalid");
    const method = request.method ?? "GET";
    const route = resolveMockRoute(method, url.pathname, request.headers);
    const parsed = rawBody === "" ? undefined : safeParseJson(rawBody);
    const body: unknown = parsed?.ok === true ? parsed.value : undefined;
    const object = isJsonObject(body) ? body : undefined;
    const stream = route.kind === "generate" && (route.geminiStream ?? object?.stream === true);
    const record: MockRequestRecord = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      body,
      rawBody,
      stream,
    };
    if (route.kind !== "not-found") record.protocol = route.protocol;
    if (options.recordRequests !== false) requests.push(record);
    const created = Math.floor(now() / 1000);
    switch (route.kind) {
      case "not-found":
        sendJson(response, 404, {
          error: { message: `mock upstream: no route for ${method} ${url.pathname}` },
        });
        return;
      case "models":
        sendJson(response, 200, listModels(route.protocol, models, created));
        return;
      case "count-tokens": {
        const tokens = Math.max(1, Math.ceil(rawBody.length / 4));
        sendJson(
          response,
          200,
          route.protocol === "anthropic" ? { input_tokens: tokens } : { totalTokens: tokens },
        );
        return;
      }
      case "generate":
        break;
      default:
        assertNever(route, "mock route");
    }
    const script = pickScript(record);
    if (typeof script === "string") {
      sendJson(response, 400, { error: { message: script } });
      return;
    }
    counter++;
    const model = route.model ?? (typeof object?.model === "string" ? object.model : "mock-model");
    const streamOptions = object?.stream_options;
    const includeUsage = isJsonObject(streamOptions) && streamOptions.include_usage === true;
    const rendering = renderMockResponse(
      route.protocol,
      script,
      { model, created, seed: String(counter), includeUsage },
      { stream, geminiSse: url.searchParams.get("alt") === "sse" },
    );
    await writeRendering(response, rendering, script, aborter.signal);
  };

  const server = createServer((request, response) => {
    response.on("error", () => {});
    request.on("error", () => {});
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendJson(response, 500, { error: { message: `mock upstream failed: ${String(error)}` } });
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    requests,
    enqueue: (...scripts) => {
      queue.push(...scripts);
    },
    setDefault: (source) => {
      fallback = source;
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      fallback = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
