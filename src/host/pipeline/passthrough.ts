import type { IncomingHttpHeaders } from "node:http";
import { LlmuxError } from "../../core/model/errors.js";
import type { JsonObject } from "../../core/model/json.js";
import type { Protocol } from "../../core/model/protocol.js";
import type { Usage } from "../../core/model/usage.js";
import type { ResolvedTarget } from "../../core/routing/resolve-model.js";
import { PassthroughTap } from "../../core/streaming/passthrough-tap.js";
import { TAP_READERS, type UsageDecoder } from "../../core/streaming/tap-readers.js";
import type { ProviderRuntime } from "../providers/registry.js";
import type { UpstreamResponse } from "../providers/transport.js";
import { type UpstreamOperation, upstreamHeaders, upstreamUrl } from "../providers/upstream-request.js";
import type { RequestContext } from "./context.js";
import { sendBody, sendError, startStream, writeChunk } from "./respond.js";

export interface PassthroughPlan {
  provider: ProviderRuntime;
  target: ResolvedTarget;
  operation: UpstreamOperation;
  /** The client's body, as received. */
  raw: Buffer;
  parsed: JsonObject;
  clientModel: string;
  stream: boolean;
}

const MAX_ERROR_BODY = 1024 * 1024;

/** Upstream response headers worth passing on to the client. */
const PASSED_HEADERS = [
  "retry-after",
  "retry-after-ms",
  "request-id",
  "x-request-id",
  "openai-processing-ms",
];

function passedHeaders(headers: IncomingHttpHeaders, requestId: string): Record<string, string> {
  const result: Record<string, string> = { "x-request-id": requestId };
  for (const name of PASSED_HEADERS) {
    const value = headers[name];
    if (typeof value === "string" && name !== "x-request-id")
      result[name === "request-id" ? "x-upstream-request-id" : name] = value;
  }
  return result;
}

/** The client body with the target's wire model name, re-serialized only when the name differs. */
function upstreamBody(plan: PassthroughPlan, protocol: Protocol): Buffer | string {
  if (protocol === "gemini" || plan.parsed.model === plan.target.upstreamModel) return plan.raw;
  return JSON.stringify({ ...plan.parsed, model: plan.target.upstreamModel });
}

export async function readAll(body: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw new LlmuxError("upstream_error", `upstream response exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/**
 * Same protocol in and out: the client's bytes go upstream (model name swapped if needed) and
 * the upstream's bytes come back untouched but for the reported model, read by a tap on the way.
 */
export async function forwardPassthrough(
  context: RequestContext,
  plan: PassthroughPlan,
  decodeUsage: UsageDecoder,
): Promise<void> {
  const protocol = context.protocol;
  const provider = plan.provider;
  const credential = provider.nextCredential();
  const upstream: UpstreamResponse = await provider.transport.send({
    protocol,
    stream: plan.stream,
    url: upstreamUrl(provider.config, protocol, plan.operation, plan.target.upstreamModel, plan.stream),
    headers: upstreamHeaders(provider.config, protocol, credential, context.request.headers),
    body: upstreamBody(plan, protocol),
    signal: context.clientGone.signal,
    timeouts: provider.config.timeouts,
  });
  const headers = passedHeaders(upstream.headers, context.id);
  if (upstream.status >= 400) {
    const body = await readAll(upstream.body, MAX_ERROR_BODY);
    context.log.error = `upstream HTTP ${upstream.status}`;
    sendBody(context, upstream.status, body, {
      ...headers,
      "content-type": String(upstream.headers["content-type"] ?? "application/json"),
    });
    return;
  }
  const tap = new PassthroughTap(TAP_READERS[protocol], decodeUsage, plan.clientModel);
  const contentType = String(upstream.headers["content-type"] ?? "");
  if (!contentType.includes("text/event-stream")) {
    const body = tap.body(await readAll(upstream.body, 256 * 1024 * 1024));
    recordTap(context, tap.result);
    sendBody(context, upstream.status, body, {
      ...headers,
      "content-type": contentType || "application/json",
    });
    return;
  }
  startStream(context, upstream.status, { ...headers, "content-type": contentType });
  try {
    for await (const chunk of upstream.body) {
      const out = tap.push(chunk);
      if (out !== undefined) {
        const drained = writeChunk(context, out);
        if (drained !== undefined) await drained;
      }
      if (context.response.destroyed) {
        upstream.discard();
        break;
      }
    }
    const rest = tap.end();
    if (rest !== undefined) await writeChunk(context, rest);
    recordTap(context, tap.result);
    context.response.end();
  } catch (error) {
    recordTap(context, tap.result);
    if (context.clientGone.signal.aborted) return;
    sendError(context, error);
  }
}

function recordTap(
  context: RequestContext,
  result: { usage?: Usage; finishReason?: string; error?: string },
): void {
  if (result.usage !== undefined) context.log.usage = result.usage;
  if (result.finishReason !== undefined) context.log.finishReason = result.finishReason;
  if (result.error !== undefined) context.log.error = result.error;
}
