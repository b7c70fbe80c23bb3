import type { MockScript } from "./script.js";

/**
 * A script that exercises every feature at once: reasoning with signatures, text in
 * several deltas, two parallel tool calls with streamed arguments, usage with cache reads
 * and writes. Shared by the mock's own tests and any suite that wants a demanding answer.
 */
export const RICH_SCRIPT: MockScript = {
  steps: [
    {
      type: "thinking",
      text: "Two lookups are needed.",
      signature: "sig-thinking",
      encryptedContent: "enc-reasoning",
      deltas: 2,
    },
    { type: "text", text: "Checking the weather and the time.", deltas: 3 },
    {
      type: "tool-calls",
      calls: [
        {
          name: "get_weather",
          arguments: { city: "Paris", units: "metric" },
          fragments: 4,
          id: "call_A",
          signature: "gsig",
        },
        { name: "get_time", arguments: { zone: "CET" }, fragments: 2, id: "call_B" },
      ],
    },
  ],
  usage: { input: 100, output: 50, cacheRead: 30, cacheWrite: 20, reasoning: 10 },
};

export const RICH_TEXT = "Checking the weather and the time.";
export const RICH_THINKING = "Two lookups are needed.";

/** The calls RICH_SCRIPT makes, with their arguments as objects. */
export const RICH_CALLS = [
  { id: "call_A", name: "get_weather", arguments: { city: "Paris", units: "metric" } },
  { id: "call_B", name: "get_time", arguments: { zone: "CET" } },
];
