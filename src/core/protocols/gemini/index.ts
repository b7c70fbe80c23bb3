import type { ProtocolAdapter } from "../adapter.js";
import { decodeGeminiError, renderGeminiError, renderGeminiStreamError } from "./errors.js";
import { decodeGeminiRequest } from "./request-decode.js";
import { encodeGeminiRequest } from "./request-encode.js";
import { decodeGeminiResponse, encodeGeminiResponse } from "./response.js";
import { createGeminiStreamDecoder } from "./stream-decode.js";
import { createGeminiStreamEncoder } from "./stream-encode.js";
import { decodeGeminiUsage } from "./usage.js";

/** Gemini API: generateContent and streamGenerateContent?alt=sse, both directions. */
export const geminiAdapter: ProtocolAdapter = {
  protocol: "gemini",
  decodeRequest: decodeGeminiRequest,
  encodeRequest: (request, target) => encodeGeminiRequest(request, target),
  decodeResponse: decodeGeminiResponse,
  encodeResponse: (response, options) => encodeGeminiResponse(response, options),
  createStreamDecoder: createGeminiStreamDecoder,
  createStreamEncoder: createGeminiStreamEncoder,
  decodeError: decodeGeminiError,
  renderError: renderGeminiError,
  renderStreamError: renderGeminiStreamError,
  decodeUsage: decodeGeminiUsage,
};
