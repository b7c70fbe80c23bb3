import type { ProtocolAdapter } from "../adapter.js";
import { restoringCustomCalls } from "../shared/custom-calls.js";
import { decodeResponsesError, renderResponsesError, renderResponsesStreamError } from "./errors.js";
import { decodeResponsesRequest } from "./request-decode.js";
import { encodeResponsesRequest } from "./request-encode.js";
import { decodeResponsesResponse } from "./response-decode.js";
import { encodeResponsesResponse } from "./response-encode.js";
import { createResponsesStreamDecoder } from "./stream-decode.js";
import { createResponsesStreamEncoder } from "./stream-encode.js";
import { decodeResponsesUsage } from "./usage.js";

/** OpenAI Responses (POST /v1/responses), as a client protocol and as an upstream. */
export const openAiResponsesAdapter: ProtocolAdapter = {
  protocol: "openai-responses",
  decodeRequest: (body) => decodeResponsesRequest(body),
  encodeRequest: encodeResponsesRequest,
  decodeResponse: decodeResponsesResponse,
  ...restoringCustomCalls(encodeResponsesResponse, createResponsesStreamEncoder),
  createStreamDecoder: createResponsesStreamDecoder,
  decodeError: decodeResponsesError,
  renderError: renderResponsesError,
  renderStreamError: (error) => renderResponsesStreamError(error),
  decodeUsage: decodeResponsesUsage,
};
