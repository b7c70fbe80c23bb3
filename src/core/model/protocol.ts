/** The four wire protocols llmux speaks on its port and to upstreams. */
export type Protocol = "openai-chat" | "openai-responses" | "anthropic" | "gemini";

export const PROTOCOLS: readonly Protocol[] = ["openai-chat", "openai-responses", "anthropic", "gemini"];

export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/**
 * What the pure core needs from the outside world. The core never reads clocks or
 * randomness itself; the host passes these in so results are reproducible in tests.
 */
export interface CoreContext {
  /** A fresh unique id with the given prefix, e.g. `newId("toolu_")`. */
  newId(prefix: string): string;
  /** Unix time in milliseconds. */
  now(): number;
}
