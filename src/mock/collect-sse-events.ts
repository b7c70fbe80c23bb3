import { safeParseJson } from "../core/json/safe-parse.js";
import { SseDecoder } from "../core/sse/decoder.js";
import type { SseFrame } from "../core/sse/frame.js";

/** A received SSE event with its JSON data parsed (`undefined` for `[DONE]` and other non-JSON data). */
export interface ReceivedEvent {
  event?: string;
  data: string;
  json: unknown;
}

function toReceived(frame: SseFrame): ReceivedEvent {
  const parsed = safeParseJson(frame.data);
  const received: ReceivedEvent = { data: frame.data, json: parsed.ok ? parsed.value : undefined };
  if (frame.event !== undefined) received.event = frame.event;
  return received;
}

/** SSE wire text (any line endings) as events. */
export function parseSseText(text: string): ReceivedEvent[] {
  const events: ReceivedEvent[] = [];
  const decoder = new SseDecoder((frame) => events.push(toReceived(frame)));
  decoder.push(Buffer.from(text, "utf8"));
  decoder.end();
  return events;
}

export interface CollectedStream {
  events: ReceivedEvent[];
  /** True when the body ended cleanly; false when the connection broke mid-stream. */
  complete: boolean;
  /** The error that broke the stream, if any. */
  error?: unknown;
}

/** Read a fetch Response body as SSE events, noting whether it ended cleanly. */
export async function collectSseEvents(response: Response): Promise<CollectedStream> {
  const events: ReceivedEvent[] = [];
  const decoder = new SseDecoder((frame) => events.push(toReceived(frame)));
  const body = response.body;
  if (body === null) return { events, complete: true };
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      decoder.push(value);
    }
  } catch (error) {
    return { events, complete: false, error };
  }
  decoder.end();
  return { events, complete: true };
}
