import { parseJsonOrThrow } from "../../core/json/safe-parse.js";
import { accumulate, createSnapshot, responseToEvents } from "../../core/model/accumulate.js";
import { LlmuxError } from "../../core/model/errors.js";
import type { StreamEvent } from "../../core/model/events.js";
import type { CanonicalRequest } from "../../core/model/request.js";
import type { CanonicalResponse } from "../../core/model/response.js";
import type { ProtocolAdapter, StreamEncoder } from "../../core/protocols/adapter.js";
import type { ResolvedTarget } from "../../core/routing/resolve-model.js";
import { SseDecoder } from "../../core/sse/decoder.js";
import type { App } from "../control/app.js";
import type { ProviderRuntime } from "../providers/registry.js";
import { upstreamHeaders, upstreamUrl } from "../providers/upstream-request.js";
import type { RequestContext } from "./context.js";
import { readAll } from "./passthrough.js";
import { sendJson, startStream, writeChunk } from "./respond.js";

export interface ConvertedPlan {
  provider: ProviderRuntime;
  target: ResolvedTarget;
  client: ProtocolAdapter;
  upstream: ProtocolAdapter;
  request: CanonicalRequest;
  clientModel: string;
  /** Called with the whole response once it is complete (Responses state). */
  onComplete?: (response: CanonicalResponse) => void;
}

const MAX_BODY = 256 * 1024 * 1024;

/**
 * Different protocols in and out: canonical request -> upstream wire request; upstream
 * events -> canonical events -> client wire events, one event at a time. A non-streaming
 * client of a streaming upstream (and the reverse) goes through the same reducer.
 */
export async function forwardConverted(
  app: App,
  context: RequestContext,
  plan: ConvertedPlan,
): Promise<void> {
  const { provider, upstream, client, request } = plan;
  const upstreamProtocol = upstream.protocol;
  const encoded = upstream.encodeRequest(request, { model: plan.target.upstreamModel }, app.core);
  context.log.warnings = encoded.warnings.length;
  const response = await provider.transport.send({
    protocol: upstreamProtocol,
    stream: request.stream,
    url: upstreamUrl(
      provider.config,
      upstreamProtocol,
      "generate",
      plan.target.upstreamModel,
      request.stream,
    ),
    headers: upstreamHeaders(provider.config, upstreamProtocol, provider.nextCredential(), undefined),
    body: JSON.stringify(encoded.body),
    signal: context.clientGone.signal,
    timeouts: provider.config.timeouts,
  });
  if (response.status >= 400) {
    const body = await readAll(response.body, 1024 * 1024);
    throw upstream.decodeError(response.status, body.toString("utf8"), response.headers);
  }
  const contentType = String(response.headers["content-type"] ?? "");
  const snapshot = createSnapshot();
  let finished = false;
  const record = (event: StreamEvent) => {
    accumulate(event, snapshot);
    if (event.type === "finish") finished = true;
  };

  if (!request.stream) {
    if (contentType.includes("text/event-stream")) {
      await decodeStream(upstream, app, response.body, record);
    } else {
      const whole = upstream.decodeResponse(
        parseJsonOrThrow((await readAll(response.body, MAX_BODY)).toString("utf8"), "upstream"),
        app.core,
      );
      for (const event of responseToEvents(whole)) record(event);
    }
    if (snapshot.error !== undefined) throw LlmuxError.fromData(snapshot.error);
    snapshot.response.warnings.push(...encoded.warnings);
    finishLog(context, snapshot.response);
    plan.onComplete?.(snapshot.response);
    sendJson(context, 200, client.encodeResponse(snapshot.response, { model: plan.clientModel }, app.core), {
      "x-request-id": context.id,
    });
    return;
  }

  let pending: Promise<void> | undefined;
  const encoder: StreamEncoder = client.createStreamEncoder(
    request.includeUsage === true
      ? { model: plan.clientModel, includeUsage: true }
      : { model: plan.clientModel },
    app.core,
    (text) => {
      if (!context.response.headersSent) {
        startStream(context, 200, {
          "content-type": "text/event-stream; charset=utf-8",
          "x-request-id": context.id,
        });
      }
      const drained = writeChunk(context, text);
      if (drained !== undefined) pending = drained;
    },
  );
  const forward = (event: StreamEvent) => {
    // Before the first byte reaches the client an upstream error is still an HTTP error
    // (and so can be retried elsewhere); after it, the client gets an in-stream error event.
    if (event.type === "error" && !context.response.headersSent) throw LlmuxError.fromData(event.error);
    record(event);
    encoder.push(event);
  };
  try {
    if (contentType.includes("text/event-stream")) {
      await decodeStream(upstream, app, response.body, forward, () => pending);
    } else {
      const whole = upstream.decodeResponse(
        parseJsonOrThrow((await readAll(response.body, MAX_BODY)).toString("utf8"), "upstream"),
        app.core,
      );
      for (const event of responseToEvents(whole)) forward(event);
    }
  } catch (error) {
    if (context.clientGone.signal.aborted) return;
    if (!context.response.headersSent) throw error;
    const llmuxError = error instanceof LlmuxError ? error : new LlmuxError("upstream_error", String(error));
    forward({ type: "error", error: llmuxError.toData() });
  }
  encoder.end();
  finishLog(context, snapshot.response);
  if (finished && snapshot.error === undefined) plan.onComplete?.(snapshot.response);
  if (snapshot.error !== undefined) context.log.error = snapshot.error.message;
  context.response.end();
}

async function decodeStream(
  upstream: ProtocolAdapter,
  app: App,
  body: AsyncIterable<Buffer>,
  emit: (event: StreamEvent) => void,
  backpressure?: () => Promise<void> | undefined,
): Promise<void> {
  const decoder = upstream.createStreamDecoder(app.core, emit);
  const framer = new SseDecoder((frame) => decoder.push(frame));
  for await (const chunk of body) {
    framer.push(chunk);
    const waiting = backpressure?.();
    if (waiting !== undefined) await waiting;
  }
  framer.end();
  decoder.end();
}

function finishLog(context: RequestContext, response: CanonicalResponse): void {
  context.log.usage = response.usage;
  context.log.finishReason = response.finishReason;
}
