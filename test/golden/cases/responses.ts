import type { MockScript } from "../../../src/mock/script.js";

/**
 * A real bug in the streamed conversion of some pairs: their SSE golden is not written (the
 * body golden is), and the stream's check against the script runs as `it.fails`.
 */
export interface StreamBug {
  title: string;
  /** `upstream->client` pairs. */
  pairs: string[];
}

/** One upstream answer, as a mock script rendered in each upstream protocol. */
export interface ResponseCase {
  name: string;
  summary: string;
  script: MockScript;
  streamBugs?: StreamBug[];
}

export const RESPONSE_CASES: ResponseCase[] = [
  {
    name: "text",
    summary: "a text answer in three deltas",
    script: {
      steps: [{ type: "text", text: "Your name is Ada, as you said.", deltas: 3 }],
      usage: { input: 20, output: 8 },
    },
  },
  {
    name: "reasoning",
    summary:
      "signed reasoning (Anthropic/Gemini signature sig-upstream-1, Responses encrypted_content enc-upstream-1, Chat reasoning_content) then text",
    script: {
      steps: [
        {
          type: "thinking",
          text: "She told me her name earlier.",
          signature: "sig-upstream-1",
          encryptedContent: "enc-upstream-1",
          deltas: 2,
        },
        { type: "text", text: "Your name is Ada.", deltas: 2 },
      ],
      usage: { input: 20, output: 24, reasoning: 10 },
    },
  },
  {
    name: "parallel-tool-calls",
    summary: "text then two parallel tool calls, their argument fragments interleaved (Chat, Responses)",
    script: {
      steps: [
        { type: "text", text: "Checking both." },
        {
          type: "tool-calls",
          interleave: true,
          calls: [
            { id: "call_weather_1", name: "get_weather", arguments: { city: "Paris" }, fragments: 3 },
            { id: "call_time_1", name: "get_time", arguments: { zone: "Asia/Tokyo" }, fragments: 2 },
          ],
        },
      ],
      usage: { input: 40, output: 30 },
    },
  },
  {
    name: "no-argument-call",
    summary: "a tool call without arguments",
    script: {
      steps: [{ type: "tool-calls", calls: [{ id: "call_status_1", name: "get_status" }] }],
      usage: { input: 15, output: 5 },
    },
  },
  {
    name: "usage-cache",
    summary:
      "usage with 40 cache-read and 10 cache-write tokens beside 100 uncached, 30 output of which 12 reasoning",
    script: {
      steps: [{ type: "text", text: "Answer from a cached prompt." }],
      usage: { input: 100, cacheRead: 40, cacheWrite: 10, output: 30, reasoning: 12 },
    },
  },
];
