import { LlmuxError } from "../../model/errors.js";
import type { StreamEvent } from "../../model/events.js";
import { isJsonObject } from "../../model/json.js";
import type { CoreContext } from "../../model/protocol.js";
import type { SseFrame } from "../../sse/frame.js";
import { PayloadReader } from "../../sse/payload-reader.js";
import type { StreamDecoder } from "../adapter.js";
import { GeminiEventDecoder } from "./event-decoder.js";

/**
 * `streamGenerateContent?alt=sse`: every `data:` is a whole GenerateContentResponse (or an
 * `{"error":{...}}` payload inside the 200 stream). Gemini has no terminal marker: the
 * stream is complete only if a finishReason (or a prompt block) arrived before it closed.
 */
export function createGeminiStreamDecoder(
  context: CoreContext,
  emit: (event: StreamEvent) => void,
): StreamDecoder {
  const decoder = new GeminiEventDecoder(context, emit);
  const payloads = new PayloadReader();
  return {
    push(frame: SseFrame): void {
      const data = frame.data.trim();
      if (data === "" || data === "[DONE]") return;
      const parsed = payloads.read(data);
      if (!parsed.ok) {
        decoder.fail(
          new LlmuxError(
            "upstream_error",
            `upstream sent invalid JSON in a stream chunk: ${parsed.error}`,
          ).toData(),
        );
        return;
      }
      const items = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
      for (const item of items) if (isJsonObject(item)) decoder.push(item);
    },
    end(): void {
      decoder.end();
    },
  };
}
