import { describe, expect, it } from "vitest";
import { ADAPTERS } from "../../src/core/protocols/registry.js";
import { DEFAULT_MAX_EVENT_BYTES, SseDecoder } from "../../src/core/sse/decoder.js";
import { PassthroughTap } from "../../src/core/streaming/passthrough-tap.js";
import { TAP_READERS } from "../../src/core/streaming/tap-readers.js";

/**
 * What a hostile or broken upstream costs the gateway's one thread. Upstream bytes arrive in
 * socket-sized chunks (16 KiB here); framing them must cost time in proportion to the bytes, so
 * one upstream sending a huge event cannot stall every other request for seconds.
 */

const CHUNK = 16 * 1024;
const TOTAL = 10 * 1024 * 1024;
/** Linear framing of 10 MiB takes tens of milliseconds; this leaves a wide margin for a busy machine. */
const CPU_BUDGET_MS = 1_000;

function cpuSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/**
 * Push every chunk into `push`, stopping at the first throw or once the budget is spent (a
 * quadratic framer would otherwise take many seconds). Returns the CPU time and what was thrown.
 */
function feed(chunks: Iterable<Buffer>, push: (chunk: Buffer) => void): { spentMs: number; thrown: unknown } {
  const before = process.cpuUsage();
  try {
    for (const chunk of chunks) {
      push(chunk);
      if (cpuSince(before) > CPU_BUDGET_MS) break;
    }
  } catch (error) {
    return { spentMs: cpuSince(before), thrown: error };
  }
  return { spentMs: cpuSince(before), thrown: undefined };
}

/** 10 MiB as one event line that never ends, chunk by chunk. */
function* oneHugeLine(): Generator<Buffer> {
  yield Buffer.from('data: {"type":"content_block_delta","delta":{"text":"');
  const filler = Buffer.alloc(CHUNK, 0x78);
  for (let sent = 0; sent < TOTAL; sent += CHUNK) yield filler;
}

/** 10 MiB of ordinary 1 KiB events, cut into the same chunk size regardless of event borders. */
function* manySmallEvents(): Generator<Buffer> {
  const event = Buffer.from(`data: {"type":"ping","pad":"${"p".repeat(1000)}"}\n\n`);
  const stream = Buffer.concat(Array.from({ length: Math.ceil(CHUNK / event.length) + 1 }, () => event));
  for (let sent = 0; sent < TOTAL; sent += CHUNK) {
    const offset = sent % event.length;
    yield stream.subarray(offset, offset + CHUNK);
  }
}

describe("SSE framing cost", () => {
  it("ordinary events: 10 MiB in 16 KiB chunks frames within the budget", () => {
    let frames = 0;
    const decoder = new SseDecoder(() => frames++);
    const { spentMs, thrown } = feed(manySmallEvents(), (chunk) => decoder.push(chunk));
    expect(thrown).toBeUndefined();
    expect(frames).toBeGreaterThan(9_000);
    expect(spentMs).toBeLessThan(CPU_BUDGET_MS);
  });

  // An unfinished line is kept as a list of pieces and only new bytes are scanned: an event without
  // a line end costs linear time up to the 8 MiB cap, not seconds of quadratic copying.
  it("one event line growing past the cap is refused within the budget", () => {
    const decoder = new SseDecoder(() => {});
    const { spentMs, thrown } = feed(oneHugeLine(), (chunk) => decoder.push(chunk));
    expect(String(thrown)).toContain(`exceeds ${DEFAULT_MAX_EVENT_BYTES} bytes`);
    expect(spentMs).toBeLessThan(CPU_BUDGET_MS);
  });

  // The passthrough tap holds an unfinished event the same way, with the same cap (an error).
  it("passthrough: one event line growing past the cap is refused within the budget", () => {
    const tap = new PassthroughTap(TAP_READERS.anthropic, ADAPTERS.anthropic.decodeUsage, "claude");
    const { spentMs, thrown } = feed(oneHugeLine(), (chunk) => {
      tap.push(chunk);
    });
    expect(thrown).toBeDefined();
    expect(spentMs).toBeLessThan(CPU_BUDGET_MS);
  });
});
