import type { ServerResponse } from "node:http";
import { parseJsonOrThrow } from "../../core/json/safe-parse.js";
import {
  accumulate,
  accumulateSummary,
  createSnapshot,
  responseToEvents,
} from "../../core/model/accumulate.js";
import { LlmuxError, toLlmuxError } from "../../core/model/errors.js";
import type { StreamEvent } from "../../core/model/events.js";
import type { CanonicalRequest } from "../../core/model/request.js";
import type { CanonicalResponse } from "../../core/model/response.js";
import type { ProtocolAdapter, StreamEncodeOptions, StreamEncoder } from "../../core/protocols/adapter.js";
import { SseDecoder } from "../../core/sse/decoder.js";
import { customToolNames } from "../../core/tools/custom-tools.js";
import type { App } from "../control/app.js";
import type { UpstreamResponse } from "../providers/transport.js";
import { upstreamHeaders, upstreamUrl } from "../providers/upstream-request.js";
import { type Attempt, type AttemptResult, httpFailure, transportFailure } from "./attempt.js";
import type { RequestContext } from "./context.js";
import { readAll } from "./passthrough.js";
import { sendJson, startStream, writeChunk } from "./respond.js";

export interface ConvertedPlan {
  client: ProtocolAdapter;
  upstream: ProtocolAdapter;
  request: CanonicalRequest;
  clientModel: string;
  /** The id the client sees for this response (Responses clients chain on it). */
  responseId?: string;
  /** Called with the whole response once it is complete (Responses state). */
  onComplete?: (response: CanonicalResponse) => void;
}

const MAX_BODY = 256 * 1024 * 1024;

async function decodeStream(
  upstream: ProtocolAdapter,
  app: App,
  body: AsyncIterable<Buffer>,
  emit: (event: StreamEvent) => void,
  backpressure: () => Promise<void> | undefined,
  output?: ServerResponse,
): Promise<void> {
  const decoder = upstream.createStreamDecoder(app.core, emit);
  const framer = new SseDecoder((frame) => decoder.push(frame));
  for await (const chunk of body) {
    // The events one upstream chunk turns into leave in one socket write, not one write each
    // (a burst chunk carries dozens of events).
    output?.cork();
    try {
      framer.push(chunk);
    } finally {
      output?.uncork();
    }
    const waiting = backpressure();
    if (waiting !== undefined) await waiting;
  }
  framer.end();
  decoder.end();
}

async function decodeWhole(
  upstream: ProtocolAdapter,
  app: App,
  body: AsyncIterable<Buffer>,
): Promise<CanonicalResponse> {
  const text = (await readAll(body, MAX_BODY)).toString("utf8");
  return upstream.decodeResponse(parseJsonOrThrow(text, "upstream"), app.core);
}

/**
 * Different protocols in and out: canonical request -> upstream wire request; upstream events ->
 * canonical events -> client wire events, one at a time. A non-streaming client of a streaming
 * upstream (and the reverse) goes through the same reducer. Until the first byte reaches the
 * client, an upstream error (HTTP or in-stream) is returned to the failover loop.
 */
export async function attemptConverted(
  app: App,
  context: RequestContext,
  plan: ConvertedPlan,
  attempt: Attempt,
): Promise<AttemptResult> {
  const { client, upstream, request } = plan;
  const { provider, target, credential } = attempt;
  const upstreamProtocol = upstream.protocol;
  const encoded = upstream.encodeRequest(request, { model: target.upstreamModel }, app.core);
  context.log.warnings = encoded.warnings.length;
  let response: UpstreamResponse;
  try {
    response = await credential.transport.send({
      protocol: upstreamProtocol,
      stream: request.stream,
      url: upstreamUrl(provider.config, upstreamProtocol, "generate", target.upstreamModel, request.stream),
      headers: upstreamHeaders(provider.config, upstreamProtocol, attempt.secret, undefined),
      body: JSON.stringify(encoded.body),
      signal: context.clientGone,
      timeouts: provider.config.timeouts,
    });
  } catch (error) {
    return transportFailure(toLlmuxError(error));
  }
  if (response.status >= 400) {
    let text: string;
    try {
      text = (await readAll(response.body, 1024 * 1024)).toString("utf8");
    } catch (error) {
      return transportFailure(toLlmuxError(error));
    }
    return httpFailure(
      response.status,
      response.headers,
      text,
      upstream.decodeError(response.status, text, response.headers),
    );
  }
  const isStream = String(response.headers["content-type"] ?? "").includes("text/event-stream");
  const snapshot = createSnapshot();
  const renameStart = (event: StreamEvent) => {
    if (event.type === "response-start" && plan.responseId !== undefined) event.id = plan.responseId;
  };

  if (!request.stream) {
    try {
      if (isStream) {
        await decodeStream(
          upstream,
          app,
          response.body,
          (event) => {
            renameStart(event);
            accumulate(event, snapshot);
          },
          () => undefined,
        );
      } else {
        for (const event of responseToEvents(await decodeWhole(upstream, app, response.body))) {
          renameStart(event);
          accumulate(event, snapshot);
        }
      }
    } catch (error) {
      const llmuxError = toLlmuxError(error);
      return {
        kind: "failed",
        failure: { phase: "stream-before-output", error: llmuxError },
        error: llmuxError,
      };
    }
    if (snapshot.error !== undefined) {
      const error = LlmuxError.fromData(snapshot.error);
      return { kind: "failed", failure: { phase: "stream-before-output", error }, error };
    }
    snapshot.response.warnings.push(...encoded.warnings);
    logResponse(context, snapshot.response);
    plan.onComplete?.(snapshot.response);
    sendJson(
      context,
      200,
      client.encodeResponse(snapshot.response, clientEncodeOptions(plan, request), app.core),
    );
    return { kind: "done" };
  }

  let pending: Promise<void> | undefined;
  let finished = false;
  const encoder: StreamEncoder = client.createStreamEncoder(
    clientEncodeOptions(plan, request),
    app.core,
    (text) => {
      if (!context.response.headersSent) {
        startStream(context, 200, { "content-type": "text/event-stream; charset=utf-8" });
      }
      const drained = writeChunk(context, text);
      if (drained !== undefined) pending = drained;
    },
  );
  // Only a stored (Responses) conversation needs the whole response; otherwise keep the summary.
  const keep = plan.onComplete === undefined ? accumulateSummary : accumulate;
  const forward = (event: StreamEvent) => {
    // Before the first byte reaches the client an upstream error is still an HTTP-like
    // failure (the loop may go elsewhere); after it, the client gets an in-stream error event.
    if (event.type === "error" && !context.response.headersSent) throw LlmuxError.fromData(event.error);
    renameStart(event);
    keep(event, snapshot);
    if (event.type === "finish") finished = true;
    encoder.push(event);
  };
  try {
    if (isStream) {
      await decodeStream(
        upstream,
        app,
        response.body,
        forward,
        () => {
          const waiting = pending;
          pending = undefined;
          return waiting;
        },
        context.response,
      );
    } else {
      for (const event of responseToEvents(await decodeWhole(upstream, app, response.body))) forward(event);
    }
  } catch (error) {
    const llmuxError = toLlmuxError(error);
    if (!context.response.headersSent) {
      return {
        kind: "failed",
        failure: { phase: "stream-before-output", error: llmuxError },
        error: llmuxError,
      };
    }
    if (context.clientGone.aborted) return { kind: "done" };
    accumulate({ type: "error", error: llmuxError.toData() }, snapshot);
    encoder.push({ type: "error", error: llmuxError.toData() });
  }
  // An error event ends the client's stream; a terminal marker after it ([DONE]) would make the
  // stream look complete.
  if (snapshot.error === undefined) encoder.end();
  logResponse(context, snapshot.response);
  if (snapshot.error !== undefined) context.log.error = snapshot.error.message;
  else if (finished) plan.onComplete?.(snapshot.response);
  context.response.end();
  return { kind: "done" };
}

function logResponse(context: RequestContext, response: CanonicalResponse): void {
  context.log.usage = response.usage;
  context.log.finishReason = response.finishReason;
}

/** How the client's protocol encodes the answer: its model name, usage in streams, its free-form tools. */
function clientEncodeOptions(plan: ConvertedPlan, request: CanonicalRequest): StreamEncodeOptions {
  const options: StreamEncodeOptions = { model: plan.clientModel };
  if (request.includeUsage === true) options.includeUsage = true;
  const custom = customToolNames(request.tools);
  if (custom.length > 0) options.customTools = custom;
  return options;
}
