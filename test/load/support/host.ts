import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** A hand-written node:http upstream on 127.0.0.1, for what the mock cannot send. */
export interface RawUpstream {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Requests received so far. */
  readonly hits: () => number;
  close(): Promise<void>;
}

export async function startRawUpstream(
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<RawUpstream> {
  let hits = 0;
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    hits++;
    request.on("error", () => {});
    response.on("error", () => {});
    handle(request, response);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Read the whole request body, then call `then` (bounded: a raw upstream never needs much). */
export function afterBody(request: IncomingMessage, then: () => void): void {
  let size = 0;
  request.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > 16 * 1024 * 1024) request.destroy();
  });
  request.on("end", then);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll `probe` until it returns true, at most `timeoutMs`; returns its last answer. */
export async function waitFor(probe: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 25) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (performance.now() >= deadline) return false;
    await delay(everyMs);
  }
}

/** TCP states as /proc/net/tcp numbers them. */
const TCP_STATES: Record<string, string> = {
  "01": "ESTABLISHED",
  "02": "SYN_SENT",
  "03": "SYN_RECV",
  "04": "FIN_WAIT1",
  "05": "FIN_WAIT2",
  "06": "TIME_WAIT",
  "07": "CLOSE",
  "08": "CLOSE_WAIT",
  "09": "LAST_ACK",
  "0A": "LISTEN",
  "0B": "CLOSING",
};

/** Whether this machine lets us count sockets from /proc (Linux). */
export const canCountSockets = existsSync("/proc/net/tcp");

/**
 * Sockets of this network namespace with `port` at one end, by state, seen from that port's
 * side (`local`) or from its peers' side (`remote`). Listening sockets are left out.
 */
export function socketStates(port: number, side: "local" | "remote"): Map<string, number> {
  const counts = new Map<string, number>();
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const address = side === "local" ? fields[1] : fields[2];
      const state = TCP_STATES[fields[3] ?? ""];
      if (address === undefined || state === undefined || state === "LISTEN") continue;
      if (address.endsWith(`:${hex}`)) counts.set(state, (counts.get(state) ?? 0) + 1);
    }
  }
  return counts;
}

/** Sockets still open (anything but TIME_WAIT, which the kernel alone holds) with `port` on `side`. */
export function openSockets(port: number, side: "local" | "remote"): number {
  let total = 0;
  for (const [state, count] of socketStates(port, side)) if (state !== "TIME_WAIT") total += count;
  return total;
}

let gcFunction: (() => void) | undefined;

/**
 * A real `gc()`: the one vitest's worker was started with (`--expose-gc`), or one made by
 * turning the flag on now and taking `gc` from a fresh context.
 */
export function forceGc(): void {
  if (gcFunction === undefined) {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (existing !== undefined) gcFunction = existing;
    else {
      setFlagsFromString("--expose-gc");
      gcFunction = runInNewContext("gc") as () => void;
    }
  }
  gcFunction();
}

/** Heap in use after full collections and a pause for finalizers (bytes). */
export async function settledHeapUsed(): Promise<number> {
  for (let round = 0; round < 3; round++) {
    forceGc();
    await delay(50);
  }
  forceGc();
  return process.memoryUsage().heapUsed;
}
