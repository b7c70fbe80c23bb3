import type { Protocol } from "../model/protocol.js";
import type { ProtocolAdapter } from "./adapter.js";
import { anthropicAdapter } from "./anthropic/index.js";
import { geminiAdapter } from "./gemini/index.js";
import { openAiChatAdapter } from "./openai-chat/index.js";
import { openAiResponsesAdapter } from "./openai-responses/index.js";

export const ADAPTERS: Record<Protocol, ProtocolAdapter> = {
  "openai-chat": openAiChatAdapter,
  "openai-responses": openAiResponsesAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
};
