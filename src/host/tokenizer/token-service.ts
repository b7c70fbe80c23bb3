import type { CanonicalRequest } from "../../core/model/request.js";
import { tokensForThreshold } from "../../core/tokenizer/near-threshold.js";
import type { TokenCounter } from "../../core/tokenizer/token-counter.js";

/** Token counting as the host offers it to routing and the count_tokens endpoints. */
export interface TokenService {
  /** The exact counter (tiktoken o200k_base, bounded on pathological input). */
  readonly counter: TokenCounter;
  /** Prompt tokens for routing decisions: a fast estimate, counted exactly only near `threshold`. */
  forThreshold(request: CanonicalRequest, threshold: number | readonly number[]): number;
  /** Free the tokenizer at shutdown. */
  close(): void;
}

/** The service over an exact counter (tiktoken in production), loaded on first use. */
export function createTokenService(counter: TokenCounter & { free(): void }): TokenService {
  return {
    counter,
    forThreshold: (request, threshold) => tokensForThreshold(request, threshold, counter).tokens,
    close: () => counter.free(),
  };
}
