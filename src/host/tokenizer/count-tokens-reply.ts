import { assertNever } from "../../core/model/protocol.js";
import type { CanonicalRequest } from "../../core/model/request.js";
import { type CountOptions, countRequestTokens } from "../../core/tokenizer/request-tokens.js";
import type { TokenCounter } from "../../core/tokenizer/token-counter.js";

/** The protocols with a token-counting endpoint answered locally. */
export type CountTokensProtocol = "anthropic" | "gemini";

/** `POST /v1/messages/count_tokens` */
export interface AnthropicCountTokensReply {
  input_tokens: number;
}

/** Gemini `models/{model}:countTokens` */
export interface GeminiCountTokensReply {
  totalTokens: number;
}

/**
 * The local count_tokens reply body for `request`, counted exactly with `counter`
 * (o200k_base; sampled only beyond `maxExactChars`, see countRequestTokens). Pass the
 * request as the client sent it, decoded but before any compat profile or injected
 * prompt, so agents' context meters see their own prompt and nothing else.
 */
export function buildCountTokensReply(
  protocol: "anthropic",
  request: CanonicalRequest,
  counter: TokenCounter,
  options?: CountOptions,
): AnthropicCountTokensReply;
export function buildCountTokensReply(
  protocol: "gemini",
  request: CanonicalRequest,
  counter: TokenCounter,
  options?: CountOptions,
): GeminiCountTokensReply;
export function buildCountTokensReply(
  protocol: CountTokensProtocol,
  request: CanonicalRequest,
  counter: TokenCounter,
  options?: CountOptions,
): AnthropicCountTokensReply | GeminiCountTokensReply;
export function buildCountTokensReply(
  protocol: CountTokensProtocol,
  request: CanonicalRequest,
  counter: TokenCounter,
  options: CountOptions = {},
): AnthropicCountTokensReply | GeminiCountTokensReply {
  const tokens = countRequestTokens(request, counter, options);
  switch (protocol) {
    case "anthropic":
      return { input_tokens: tokens };
    case "gemini":
      return { totalTokens: tokens };
    default:
      return assertNever(protocol, "count_tokens protocol");
  }
}
