import type { LlmuxError, LlmuxErrorData } from "../model/errors.js";
import type { StreamEvent } from "../model/events.js";
import type { JsonObject } from "../model/json.js";
import type { CoreContext, Protocol } from "../model/protocol.js";
import type { CanonicalRequest } from "../model/request.js";
import type { CanonicalResponse } from "../model/response.js";
import type { Usage } from "../model/usage.js";
import type { Warning } from "../model/warnings.js";
import type { SseFrame } from "../sse/frame.js";

/** What the URL says about a request, for protocols that put it there (Gemini). */
export interface InboundRequestInfo {
  /** The model named in the path (`/v1beta/models/{model}:generateContent`). */
  model?: string;
  /** Whether the path asks for a stream (`streamGenerateContent`). */
  stream?: boolean;
}

export interface DecodedRequest {
  request: CanonicalRequest;
  warnings: Warning[];
}

export interface UpstreamTarget {
  /** The model's wire name at the upstream. */
  model: string;
}

export interface EncodedRequest {
  body: JsonObject;
  warnings: Warning[];
}

export interface ResponseEncodeOptions {
  /** The model name the client asked for; responses always report it. */
  model: string;
  /**
   * Names of the client's free-form (`custom`) tools (`customToolNames(request.tools)`). An
   * upstream without free-form tools (Anthropic, Gemini) was offered them as functions taking
   * `{"input": text}`; encoders of protocols that have custom calls (Responses, Chat) turn such
   * calls back into custom calls with the text as input.
   */
  customTools?: readonly string[];
}

export interface StreamEncodeOptions extends ResponseEncodeOptions {
  /** OpenAI `stream_options.include_usage`. */
  includeUsage?: boolean;
}

export interface StreamDecoder {
  /** One upstream SSE frame in; zero or more canonical events out through `emit`. */
  push(frame: SseFrame): void;
  /** The upstream closed. Emits `finish`, or an `error` when the stream ended incomplete. */
  end(): void;
}

export interface StreamEncoder {
  /** One canonical event in; wire text (whole SSE frames) out through `write`. */
  push(event: StreamEvent): void;
  /** Close the client stream (e.g. OpenAI `data: [DONE]`). */
  end(): void;
}

export interface RenderedError {
  status: number;
  body: JsonObject;
  headers?: Record<string, string>;
}

/** One wire protocol: both directions, requests, responses, streams and errors. */
export interface ProtocolAdapter {
  readonly protocol: Protocol;
  /** Validate (valibot, at the edge) and decode a client request. Throws LlmuxError("invalid_request"). */
  decodeRequest(body: unknown, info: InboundRequestInfo, context: CoreContext): DecodedRequest;
  encodeRequest(request: CanonicalRequest, target: UpstreamTarget, context: CoreContext): EncodedRequest;
  decodeResponse(body: unknown, context: CoreContext): CanonicalResponse;
  encodeResponse(
    response: CanonicalResponse,
    options: ResponseEncodeOptions,
    context: CoreContext,
  ): JsonObject;
  createStreamDecoder(context: CoreContext, emit: (event: StreamEvent) => void): StreamDecoder;
  createStreamEncoder(
    options: StreamEncodeOptions,
    context: CoreContext,
    write: (text: string) => void,
  ): StreamEncoder;
  /** An upstream's HTTP error (status, raw body text, headers) as an LlmuxError. */
  decodeError(
    status: number,
    body: string,
    headers: Record<string, string | string[] | undefined>,
  ): LlmuxError;
  /** An error as this protocol's HTTP error response. */
  renderError(error: LlmuxErrorData): RenderedError;
  /** An error as this protocol's in-stream error event (SSE text), for after the first byte. */
  renderStreamError(error: LlmuxErrorData): string;
  /** Usage from this protocol's wire usage object. */
  decodeUsage(wire: unknown): Usage | undefined;
}
