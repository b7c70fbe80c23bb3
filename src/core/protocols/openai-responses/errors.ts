import type { LlmuxErrorData } from "../../model/errors.js";
import { openAiErrorType } from "../openai-chat/errors.js";

export {
  decodeOpenAiError as decodeResponsesError,
  renderOpenAiError as renderResponsesError,
} from "../openai-chat/errors.js";

/** The Responses stream's `error` event. */
export function renderResponsesStreamError(error: LlmuxErrorData, sequenceNumber = 0): string {
  const payload = {
    type: "error",
    code: error.upstreamType ?? openAiErrorType(error.code),
    message: error.message,
    param: error.param ?? null,
    sequence_number: sequenceNumber,
  };
  return `event: error\ndata: ${JSON.stringify(payload)}\n\n`;
}
