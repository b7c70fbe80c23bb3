import type { ProtocolAdapter } from "../adapter.js";
import { decodeAnthropicError, renderAnthropicError, renderAnthropicStreamError } from "./errors.js";
import { decodeAnthropicRequest } from "./request-decode.js";
import { encodeAnthropicRequest } from "./request-encode.js";
import { decodeAnthropicResponse, encodeAnthropicResponse } from "./response.js";
import { createAnthropicStreamDecoder } from "./stream-decode.js";
import { createAnthropicStreamEncoder } from "./stream-encode.js";
import { decodeAnthropicUsage } from "./usage.js";

/** Anthropic Messages (`POST /v1/messages`), as a client protocol and as an upstream. */
export const anthropicAdapter: ProtocolAdapter = {
  protocol: "anthropic",
  decodeRequest: (body) => decodeAnthropicRequest(body),
  encodeRequest: (request, target) => encodeAnthropicRequest(request, target),
  decodeResponse: (body, context) => decodeAnthropicResponse(body, context),
  encodeResponse: (response, options, context) => encodeAnthropicResponse(response, options, context),
  createStreamDecoder: (context, emit) => createAnthropicStreamDecoder(context, emit),
  createStreamEncoder: (options, context, write) => createAnthropicStreamEncoder(options, context, write),
  decodeError: (status, body, headers) => decodeAnthropicError(status, body, headers),
  renderError: (error) => renderAnthropicError(error),
  renderStreamError: (error) => renderAnthropicStreamError(error),
  decodeUsage: (wire) => decodeAnthropicUsage(wire),
};
