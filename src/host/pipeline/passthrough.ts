import type { IncomingHttpHeaders } from "node:http";
import { safeParseJson } from "../../core/json/safe-parse.js";
import { LlmuxError, toLlmuxError } from "../../core/model/errors.js";
import { isJsonObject } from "../../core/model/json.js";
import type { Protocol } from "../../core/model/protocol.js";
import type { Usage } from "../../core/model/usage.js";
import type { ProtocolAdapter } from "../../core/protocols/adapter.js";
import { SseDecoder } from "../../core/sse/decoder.js";
import { firstEventData, PassthroughTap } from "../../core/streaming/passthrough-tap.js";
import { TAP_READERS } from "../../core/streaming/tap-readers.js";
import type { App } from "../control/app.js";
import { responseTooLarge, type UpstreamResponse, type WholeBody } from "../providers/transport.js";
import { type UpstreamOperation, upstreamHeaders, upstreamUrl } from "../providers/upstream-request.js";
import { type Attempt, type AttemptResult, httpFailure, transportFailure } from "./attempt.js";
import type { ClientBody } from "./client-body.js";
import type { RequestContext } from "./context.js";
import { sendBody, sendError, startStream, writeChunk } from "./respond.js";

export interface PassthroughPlan {
  adapter: ProtocolAdapter;
  operation: UpstreamOperation;
  /** The client's body, as received. */
  body: ClientBody;
  clientModel: string;
  stream: boolean;
}

const MAX_ERROR_BODY = 1024 * 1024;
const MAX_BODY = 256 * 1024 * 1024;

/** Upstream response headers worth passing on to the client. */
const PASSED_HEADERS = ["retry-after", "retry-after-ms", "request-id", "openai-processing-ms"];

function passedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of PASSED_HEADERS) {
    const value = headers[name];
    if (typeof value === "string") result[name === "request-id" ? "x-upstream-request-id" : name] = value;
  }
  return result;
}

/** The client body with the target's wire model name, rewritten only when the name differs. */
function upstreamBody(plan: PassthroughPlan, protocol: Protocol, upstreamModel: string): Buffer | string {
  if (protocol === "gemini" || plan.body.field("model") === upstreamModel) return plan.body.raw;
  return plan.body.withModel(upstreamModel);
}

async function collect(body: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw responseTooLarge(limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/** A whole upstream body, refused past `limit` bytes. */
export function readAll(
  body: AsyncIterable<Buffer> | (AsyncIterable<Buffer> & WholeBody),
  limit: number,
): Promise<Buffer> {
  return "readWhole" in body ? body.readWhole(limit) : collect(body, limit);
}

function recordTap(
  context: RequestContext,
  result: { usage?: Usage; finishReason?: string; error?: string },
): void {
  if (result.usage !== undefined) context.log.usage = result.usage;
  if (result.finishReason !== undefined) context.log.finishReason = result.finishReason;
  if (result.error !== undefined) context.log.error = result.error;
}

function isJsonObjectText(text: string): boolean {
  const parsed = safeParseJson(text);
  return parsed.ok && isJsonObject(parsed.value);
}

/** The error an upstream sent as the first event of a 200 stream, decoded by the protocol. */
function firstEventError(app: App, adapter: ProtocolAdapter, raw: Buffer): LlmuxError {
  let found: LlmuxError | undefined;
  const decoder = adapter.createStreamDecoder(app.core, (event) => {
    if (event.type === "error") found ??= LlmuxError.fromData(event.error);
  });
  new SseDecoder((frame) => decoder.push(frame)).push(raw);
  return found ?? new LlmuxError("upstream_error", "upstream stream began with an error");
}

/**
 * Same protocol in and out: the client's bytes go upstream (model name swapped if needed) and
 * the upstream's bytes come back untouched but for the reported model, read by a tap on the way.
 * Until the first byte reaches the client, a failure is returned to the failover loop.
 */
export async function attemptPassthrough(
  app: App,
  context: RequestContext,
  plan: PassthroughPlan,
  attempt: Attempt,
): Promise<AttemptResult> {
  // Nothing malformed goes upstream: a body not yet walked to its end is checked now (a 400 to the client).
  plan.body.validate();
  const protocol = context.protocol;
  const { provider, target, credential } = attempt;
  let upstream: UpstreamResponse;
  try {
    upstream = await credential.transport.send({
      protocol,
      stream: plan.stream,
      url: upstreamUrl(provider.config, protocol, plan.operation, target.upstreamModel, plan.stream),
      headers: upstreamHeaders(provider.config, protocol, attempt.secret, context.request.headers),
      body: upstreamBody(plan, protocol, target.upstreamModel),
      signal: context.clientGone,
      timeouts: provider.config.timeouts,
    });
  } catch (error) {
    return transportFailure(toLlmuxError(error));
  }
  const headers = passedHeaders(upstream.headers);
  if (upstream.status >= 400) {
    let body: Buffer;
    try {
      body = await readAll(upstream.body, MAX_ERROR_BODY);
    } catch (error) {
      return transportFailure(toLlmuxError(error));
    }
    const text = body.toString("utf8");
    const error = plan.adapter.decodeError(upstream.status, text, upstream.headers);
    headers["content-type"] = String(upstream.headers["content-type"] ?? "application/json");
    return httpFailure(upstream.status, upstream.headers, text, error, () =>
      sendBody(context, upstream.status, body, headers),
    );
  }
  const tap = new PassthroughTap(TAP_READERS[protocol], plan.adapter.decodeUsage, plan.clientModel);
  const contentType = String(upstream.headers["content-type"] ?? "");
  if (!contentType.includes("text/event-stream")) {
    let body: Buffer;
    try {
      body = tap.body(await readAll(upstream.body, MAX_BODY));
    } catch (error) {
      return transportFailure(toLlmuxError(error));
    }
    recordTap(context, tap.result);
    headers["content-type"] = contentType || "application/json";
    sendBody(context, upstream.status, body, headers);
    return { kind: "done" };
  }

  // Output is held until the first event with data shows a stream of JSON events that is not
  // an error: up to then, a failure is still the failover loop's (another target may serve).
  let started = false;
  const held: Buffer[] = [];
  let heldBytes = 0;
  const failed = (error: LlmuxError, body?: string): AttemptResult => ({
    kind: "failed",
    failure:
      body === undefined
        ? { phase: "stream-before-output", error }
        : { phase: "stream-before-output", body, error },
    error,
  });
  const begin = async (first: Buffer) => {
    headers["content-type"] = contentType;
    startStream(context, upstream.status, headers);
    started = true;
    const drained = writeChunk(context, held.length === 0 ? first : Buffer.concat([...held, first]));
    held.length = 0;
    if (drained !== undefined) await drained;
  };
  try {
    for await (const chunk of upstream.body) {
      const out = tap.push(chunk);
      if (out === undefined) continue;
      if (started) {
        const drained = writeChunk(context, out);
        if (drained !== undefined) await drained;
      } else {
        const data = firstEventData(out);
        if (data === undefined) {
          // Comments (keep-alives) or data-less events before the first real one.
          heldBytes += out.length;
          if (heldBytes > MAX_ERROR_BODY)
            return failed(new LlmuxError("upstream_error", "upstream stream sends no events"));
          held.push(out);
          continue;
        }
        if (!isJsonObjectText(data)) {
          upstream.discard();
          return failed(new LlmuxError("upstream_error", "upstream stream does not carry JSON events"));
        }
        // An error as the stream's first event counts like the HTTP error it carries.
        if (tap.result.error !== undefined) {
          upstream.discard();
          return failed(firstEventError(app, plan.adapter, out), tap.result.error);
        }
        await begin(out);
      }
      if (context.response.destroyed) {
        upstream.discard();
        break;
      }
    }
    const rest = tap.end();
    recordTap(context, tap.result);
    if (!started) {
      const data = rest === undefined ? undefined : firstEventData(rest);
      if (rest === undefined || data === undefined || !isJsonObjectText(data)) {
        return failed(
          new LlmuxError("upstream_incomplete", "upstream closed the stream without sending an event"),
        );
      }
      await begin(rest);
    } else if (rest !== undefined) {
      await writeChunk(context, rest);
    }
    if (!tap.complete && !context.clientGone.aborted) {
      // The upstream stopped before its finish: say so in the stream, never a clean-looking end.
      sendError(
        context,
        new LlmuxError("upstream_incomplete", "upstream closed the stream before it finished"),
      );
      return { kind: "done" };
    }
    context.response.end();
  } catch (error) {
    recordTap(context, tap.result);
    const llmuxError = toLlmuxError(error);
    if (!started) return failed(llmuxError);
    if (!context.clientGone.aborted) sendError(context, llmuxError);
  }
  return { kind: "done" };
}
