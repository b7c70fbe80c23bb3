import type { TextPart } from "../../model/parts.js";

/**
 * Claude Code puts a billing block first in `system` (`x-anthropic-billing-header: cc_version=…;
 * cc_entrypoint=…; cch=…`). It is addressed to Anthropic's billing, not to the model, and it
 * changes with every Claude Code version, so toward other upstreams it is left out: it would only
 * cost tokens and move the start of the prompt that their prompt caches key on. Anthropic
 * upstreams get it as it came.
 */
const ANTHROPIC_BILLING_HEADER = /^\s*x-anthropic-billing-header:/;

export function isAnthropicBillingBlock(part: TextPart): boolean {
  return ANTHROPIC_BILLING_HEADER.test(part.text);
}

/** The system prompt for a non-Anthropic upstream: without Anthropic's billing block. */
export function systemForNonAnthropic(system: readonly TextPart[]): TextPart[] {
  return system.filter((part) => !isAnthropicBillingBlock(part));
}
