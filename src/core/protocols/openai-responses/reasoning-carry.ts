import type { Signature } from "../../model/parts.js";
import { PROTOCOLS, type Protocol } from "../../model/protocol.js";

/**
 * Reasoning artifacts a Responses client keeps for us. A Responses client replays reasoning
 * items verbatim (`encrypted_content`), so a foreign artifact (an Anthropic thinking signature
 * or redacted thinking, a Gemini thought signature) rides in `encrypted_content` behind a
 * `llmux1:` envelope and comes back to the upstream that issued it on the next turn.
 * OpenAI's own encrypted content is passed bare. The envelope is only ever written to clients;
 * a Responses upstream only receives bare, native content.
 */
const PREFIX = "llmux1:";
const REDACTED = "redacted";

export interface CarriedReasoning {
  signature?: Signature;
  redactedData?: string;
}

/** The `encrypted_content` to show a Responses client for a thinking part; undefined when none. */
export function carryReasoning(part: CarriedReasoning): string | undefined {
  if (part.redactedData !== undefined) return `${PREFIX}${REDACTED}:${part.redactedData}`;
  const signature = part.signature;
  if (signature === undefined) return undefined;
  if (signature.origin === "openai-responses") return signature.value;
  return `${PREFIX}${signature.origin}:${signature.value}`;
}

function isProtocol(value: string): value is Protocol {
  return (PROTOCOLS as readonly string[]).includes(value);
}

/** The artifact behind a received `encrypted_content`: native content, or an enveloped foreign one. */
export function uncarryReasoning(encrypted: string): CarriedReasoning {
  if (encrypted.startsWith(PREFIX)) {
    const separator = encrypted.indexOf(":", PREFIX.length);
    if (separator !== -1) {
      const tag = encrypted.slice(PREFIX.length, separator);
      const value = encrypted.slice(separator + 1);
      if (tag === REDACTED) return { redactedData: value };
      if (isProtocol(tag)) return { signature: { origin: tag, value } };
    }
  }
  return { signature: { origin: "openai-responses", value: encrypted } };
}
