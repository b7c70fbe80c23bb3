/**
 * One usage record for every protocol.
 * - inputTokens excludes cache reads and writes (Anthropic's convention);
 *   OpenAI prompt_tokens and Gemini promptTokenCount = input + cacheRead + cacheWrite.
 * - outputTokens includes reasoningTokens (OpenAI's convention);
 *   Gemini candidatesTokenCount = output - reasoning, thoughtsTokenCount = reasoning.
 */
export interface Usage {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}

/** Prompt tokens in the OpenAI/Gemini sense: everything read, cached or not. */
export function totalInputTokens(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}
