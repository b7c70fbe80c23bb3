import type { ProtocolAdapter } from "../adapter.js";
import { restoringCustomCalls } from "../shared/custom-calls.js";
import { decodeOpenAiError, renderOpenAiChatStreamError, renderOpenAiError } from "./errors.js";
import { decodeChatRequest } from "./request-decode.js";
import { encodeChatRequest } from "./request-encode.js";
import { decodeChatResponse, encodeChatResponse } from "./response.js";
import { createChatStreamDecoder } from "./stream-decode.js";
import { createChatStreamEncoder } from "./stream-encode.js";
import { decodeChatUsage } from "./usage.js";

/** OpenAI Chat Completions (`POST /v1/chat/completions`) and every OpenAI-compatible server. */
export const openAiChatAdapter: ProtocolAdapter = {
  protocol: "openai-chat",
  decodeRequest: decodeChatRequest,
  encodeRequest: encodeChatRequest,
  decodeResponse: decodeChatResponse,
  ...restoringCustomCalls(encodeChatResponse, createChatStreamEncoder),
  createStreamDecoder: createChatStreamDecoder,
  decodeError: decodeOpenAiError,
  renderError: renderOpenAiError,
  renderStreamError: renderOpenAiChatStreamError,
  decodeUsage: decodeChatUsage,
};
