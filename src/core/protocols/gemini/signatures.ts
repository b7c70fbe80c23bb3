import type { Signature } from "../../model/parts.js";
import { uncarrySignature } from "../../model/reasoning-carry.js";

/**
 * The documented stand-in for a thought signature on a function call that Gemini did not
 * produce (history from another model): Gemini 3 then skips signature validation instead
 * of rejecting the request. See https://ai.google.dev/gemini-api/docs/thought-signatures.
 */
export const PLACEHOLDER_SIGNATURE = "skip_thought_signature_validator";

/** Placeholders clients send in place of a real signature (the raw strings and their base64). */
const PLACEHOLDERS: ReadonlySet<string> = new Set([
  PLACEHOLDER_SIGNATURE,
  "context_engineering_is_the_way_to_go",
  "c2tpcF90aG91Z2h0X3NpZ25hdHVyZV92YWxpZGF0b3I=",
  "Y29udGV4dF9lbmdpbmVlcmluZ19pc190aGVfd2F5X3RvX2dv",
]);

/** A wire `thoughtSignature` as a canonical signature (opening llmux envelopes); placeholders are no signature at all. */
export function decodeSignature(value: unknown): Signature | undefined {
  if (typeof value !== "string" || value === "" || PLACEHOLDERS.has(value)) return undefined;
  return uncarrySignature(value, "gemini");
}

/** The signature to send back to Gemini: only one that Gemini issued. */
export function geminiSignature(signature: Signature | undefined): string | undefined {
  return signature?.origin === "gemini" ? signature.value : undefined;
}
