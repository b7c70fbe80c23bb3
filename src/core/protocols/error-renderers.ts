import type { LlmuxErrorData } from "../model/errors.js";
import type { Protocol } from "../model/protocol.js";
import type { RenderedError } from "./adapter.js";
import { renderAnthropicError, renderAnthropicStreamError } from "./anthropic/errors.js";
import { renderGeminiError, renderGeminiStreamError } from "./gemini/errors.js";
import { renderOpenAiChatStreamError, renderOpenAiError } from "./openai-chat/errors.js";
import { renderResponsesStreamError } from "./openai-responses/errors.js";

export interface ErrorRenderer {
  render(error: LlmuxErrorData): RenderedError;
  renderStream(error: LlmuxErrorData): string;
}

/** Each protocol's error shapes, for the places that need only those (the server, passthrough). */
export const ERROR_RENDERERS: Record<Protocol, ErrorRenderer> = {
  "openai-chat": { render: renderOpenAiError, renderStream: renderOpenAiChatStreamError },
  "openai-responses": {
    render: renderOpenAiError,
    renderStream: (error) => renderResponsesStreamError(error),
  },
  anthropic: { render: renderAnthropicError, renderStream: renderAnthropicStreamError },
  gemini: { render: renderGeminiError, renderStream: renderGeminiStreamError },
};
