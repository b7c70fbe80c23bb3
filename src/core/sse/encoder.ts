import type { SseFrame } from "./frame.js";

/** One SSE event as wire text. Multi-line data becomes several `data:` lines. */
export function encodeSseFrame(frame: SseFrame): string {
  let text = frame.event === undefined ? "" : `event: ${frame.event}\n`;
  if (frame.data.includes("\n")) {
    for (const line of frame.data.split("\n")) text += `data: ${line}\n`;
  } else {
    text += `data: ${frame.data}\n`;
  }
  return `${text}\n`;
}

/** A named event carrying JSON, the shape Anthropic and Responses streams use. */
export function encodeSseEvent(event: string | undefined, payload: unknown): string {
  const data = JSON.stringify(payload);
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}
