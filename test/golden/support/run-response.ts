import { accumulate, createSnapshot } from "../../../src/core/model/accumulate.js";
import type { StreamEvent } from "../../../src/core/model/events.js";
import { isJsonObject, type JsonObject } from "../../../src/core/model/json.js";
import type { Protocol } from "../../../src/core/model/protocol.js";
import type { CanonicalResponse } from "../../../src/core/model/response.js";
import { ADAPTERS } from "../../../src/core/protocols/registry.js";
import { SseDecoder } from "../../../src/core/sse/decoder.js";
import type { SseFrame } from "../../../src/core/sse/frame.js";
import { renderMockResponse } from "../../../src/mock/render/mock-response.js";
import type { RenderContext } from "../../../src/mock/render/shared.js";
import type { MockScript } from "../../../src/mock/script.js";
import { FIXED_NOW, goldenContext, parseJsonText } from "./golden-files.js";

/** The model the mock upstream reports, and the one the client asked for (which llmux reports back). */
export const UPSTREAM_MODEL = "upstream-model";
export const CLIENT_MODEL = "client-model";

const RENDER_CONTEXT: RenderContext = {
  model: UPSTREAM_MODEL,
  created: FIXED_NOW / 1000,
  seed: "1",
  // llmux always asks a Chat upstream for stream usage (stream_options.include_usage).
  includeUsage: true,
};

/** The mock upstream's non-stream body for `script`, through the upstream's and the client's adapters. */
export function convertBody(upstream: Protocol, client: Protocol, script: MockScript): JsonObject {
  const rendering = renderMockResponse(upstream, script, RENDER_CONTEXT, { stream: false });
  if (rendering.kind !== "json") throw new Error("expected a JSON rendering");
  const context = goldenContext();
  const response = ADAPTERS[upstream].decodeResponse(parseJsonText(rendering.body), context);
  return ADAPTERS[client].encodeResponse(response, { model: CLIENT_MODEL }, context);
}

/** SSE text as frames, through the core's byte-level framer, one chunk per piece. */
export function framesOf(pieces: readonly string[]): SseFrame[] {
  const frames: SseFrame[] = [];
  const decoder = new SseDecoder((frame) => frames.push(frame));
  for (const piece of pieces) decoder.push(Buffer.from(piece, "utf8"));
  decoder.end();
  return frames;
}

/**
 * The mock upstream's stream for `script`, frame by frame through the upstream's stream
 * decoder and the client's stream encoder (the client asked for usage): the client's SSE text.
 */
export function convertStream(upstream: Protocol, client: Protocol, script: MockScript): string {
  const rendering = renderMockResponse(upstream, script, RENDER_CONTEXT, { stream: true });
  if (rendering.kind !== "stream") throw new Error("expected a stream rendering");
  const context = goldenContext();
  let sse = "";
  const encoder = ADAPTERS[client].createStreamEncoder(
    { model: CLIENT_MODEL, includeUsage: true },
    context,
    (text) => {
      sse += text;
    },
  );
  const decoder = ADAPTERS[upstream].createStreamDecoder(context, (event) => encoder.push(event));
  const framer = new SseDecoder((frame) => decoder.push(frame));
  for (const frame of rendering.frames) framer.push(Buffer.from(frame, "utf8"));
  framer.end();
  decoder.end();
  encoder.end();
  return sse;
}

/** What a client of `protocol` reads from SSE text, decoded by that protocol's own adapter. */
export function decodeClientStream(protocol: Protocol, sse: string): CanonicalResponse {
  const snapshot = createSnapshot();
  const events: StreamEvent[] = [];
  const decoder = ADAPTERS[protocol].createStreamDecoder(goldenContext(), (event) => {
    events.push(event);
    accumulate(event, snapshot);
  });
  for (const frame of framesOf([sse])) decoder.push(frame);
  decoder.end();
  if (snapshot.error !== undefined)
    throw new Error(`client stream decodes to an error: ${snapshot.error.message}`);
  return snapshot.response;
}

/** The JSON payloads of SSE text (`[DONE]` left out). */
export function payloadsOf(sse: string): { event?: string; data: JsonObject }[] {
  return framesOf([sse])
    .filter((frame) => frame.data !== "[DONE]")
    .map((frame) => {
      const data = parseJsonText(frame.data);
      if (!isJsonObject(data)) throw new Error(`SSE data is not an object: ${frame.data}`);
      return frame.event === undefined ? { data } : { event: frame.event, data };
    });
}
