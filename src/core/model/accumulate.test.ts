import { describe, expect, it } from "vitest";
import { accumulate, accumulateSummary, createSnapshot } from "./accumulate.js";
import type { StreamEvent } from "./events.js";

const EVENTS: StreamEvent[] = [
  { type: "response-start", id: "resp_1", model: "m", created: 7 },
  { type: "reasoning-start", index: 0 },
  { type: "reasoning-delta", index: 0, text: "thinking" },
  { type: "reasoning-end", index: 0, signature: { origin: "anthropic", value: "sig" } },
  { type: "text-start", index: 1 },
  { type: "text-delta", index: 1, text: "Hello" },
  { type: "text-delta", index: 1, text: " world" },
  { type: "text-end", index: 1 },
  { type: "tool-call-start", index: 2, id: "call_1", name: "read" },
  { type: "tool-call-delta", index: 2, arguments: '{"path":"a"}' },
  { type: "tool-call-end", index: 2 },
  {
    type: "usage",
    usage: { inputTokens: 3, cacheReadTokens: 1, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 2 },
  },
  { type: "finish", reason: "tool-calls" },
];

describe("accumulateSummary", () => {
  it("keeps what the log reads, as accumulate does, and none of the deltas", () => {
    const full = createSnapshot();
    const summary = createSnapshot();
    for (const event of EVENTS) {
      accumulate(event, full);
      accumulateSummary(event, summary);
    }
    expect(full.response.content).toHaveLength(3);
    expect(summary.response.content).toEqual([]);
    expect(summary.blocks.size).toBe(0);
    const { content: _fullContent, ...fullRest } = full.response;
    const { content: _summaryContent, ...summaryRest } = summary.response;
    expect(summaryRest).toEqual(fullRest);
    expect({ started: summary.started, finished: summary.finished }).toEqual({
      started: full.started,
      finished: full.finished,
    });
  });

  it("keeps an error", () => {
    const summary = createSnapshot();
    accumulateSummary(
      { type: "error", error: { code: "upstream_error", message: "boom" } } as StreamEvent,
      summary,
    );
    expect(summary.error?.message).toBe("boom");
  });
});
