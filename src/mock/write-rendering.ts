import type { ServerResponse } from "node:http";
import type { MockRendering } from "./render/shared.js";

/** How to deliver a rendering: the script's timing and failure knobs. */
export interface DeliveryPlan {
  headerDelayMs?: number | undefined;
  chunkDelayMs?: number | undefined;
  disconnectAfterChunks?: number | undefined;
}

/** Resolves after `ms`, or at once when `signal` aborts (the client went away). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

function gone(response: ServerResponse, signal: AbortSignal): boolean {
  return signal.aborted || response.destroyed || response.writableEnded;
}

/** Resolves once `text` has reached the socket (or the client went away). */
function writeFlushed(response: ServerResponse, text: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    response.write(text, () => done());
  });
}

/** Resolves when the response can take more data (or the client went away). */
function drained(response: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener("abort", done);
      response.off("drain", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    response.once("drain", done);
  });
}

/** Close the connection without a clean end: flush what was written, then destroy the socket. */
function disconnect(response: ServerResponse): void {
  const socket = response.socket;
  if (socket === null) {
    response.destroy();
    return;
  }
  socket.destroySoon();
}

/**
 * Send a rendering with real timing: slow headers, delays between frames, and a
 * mid-stream disconnect. Returns early, without throwing, when the client goes away.
 */
export async function writeRendering(
  response: ServerResponse,
  rendering: MockRendering,
  plan: DeliveryPlan,
  signal: AbortSignal,
): Promise<void> {
  await sleep(plan.headerDelayMs ?? 0, signal);
  if (gone(response, signal)) return;
  response.writeHead(rendering.status, rendering.headers);
  const cut = plan.disconnectAfterChunks;
  if (rendering.kind === "json") {
    if (cut === undefined) {
      response.end(rendering.body);
      return;
    }
    await writeFlushed(response, rendering.body.slice(0, Math.floor(rendering.body.length / 2)), signal);
    disconnect(response);
    return;
  }
  response.flushHeaders();
  const frames = rendering.frames;
  const delay = plan.chunkDelayMs ?? 0;
  for (let index = 0; index < frames.length; index++) {
    if (cut !== undefined && index >= cut) break;
    if (index > 0 && delay > 0) await sleep(delay, signal);
    if (gone(response, signal)) return;
    const frame = frames[index]!;
    // Before a disconnect, wait until the last frame is on the wire so the client gets it.
    if (cut !== undefined && index === cut - 1) await writeFlushed(response, frame, signal);
    else if (!response.write(frame)) await drained(response, signal);
  }
  if (gone(response, signal)) return;
  if (cut !== undefined && cut < frames.length) disconnect(response);
  else response.end();
}
