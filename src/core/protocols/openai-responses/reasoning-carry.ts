import type { Signature } from "../../model/parts.js";
import { carrySignature, openEnvelope, uncarrySignature } from "../../model/reasoning-carry.js";

/**
 * Reasoning artifacts a Responses client keeps for us (`encrypted_content`): a foreign signature
 * rides behind the `llmux1:` envelope (core/model/reasoning-carry.ts), and so does Anthropic
 * redacted thinking (`llmux1:redacted:`). OpenAI's own encrypted content is passed bare.
 */
const REDACTED = "redacted";

export interface CarriedReasoning {
  signature?: Signature;
  redactedData?: string;
}

/** The `encrypted_content` to show a Responses client for a thinking part; undefined when none. */
export function carryReasoning(part: CarriedReasoning): string | undefined {
  if (part.redactedData !== undefined) return `llmux1:${REDACTED}:${part.redactedData}`;
  return part.signature === undefined ? undefined : carrySignature(part.signature, "openai-responses");
}

/** The artifact behind a received `encrypted_content`: native content, or an enveloped foreign one. */
export function uncarryReasoning(encrypted: string): CarriedReasoning {
  const envelope = openEnvelope(encrypted);
  if (envelope?.tag === REDACTED) return { redactedData: envelope.value };
  return { signature: uncarrySignature(encrypted, "openai-responses") };
}
