/**
 * An exact tokenizer, injected by the host (src/host/tokenizer/tiktoken-counter.ts backs it
 * with tiktoken's o200k_base). The core never loads a tokenizer itself.
 */
export interface TokenCounter {
  /** Tokens of `text` as the tokenizer encodes it, special-token text counted as plain text. */
  count(text: string): number;
}
