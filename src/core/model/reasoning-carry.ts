import type { Signature } from "./parts.js";
import { PROTOCOLS, type Protocol } from "./protocol.js";

/**
 * Reasoning artifacts a client keeps for llmux. Clients replay the opaque reasoning field of their
 * own protocol verbatim (Anthropic `signature`, Gemini `thoughtSignature`, Responses
 * `encrypted_content`), so an artifact issued by an upstream of another protocol rides in that
 * field behind a `llmux1:<origin>:` envelope and goes back to the upstream that issued it on the
 * next turn. Native artifacts pass bare. The envelope is only ever written to clients: an upstream
 * receives bare, native values (encoders drop foreign ones).
 */
export const CARRY_PREFIX = "llmux1:";

function isProtocol(value: string): value is Protocol {
  return (PROTOCOLS as readonly string[]).includes(value);
}

/** The value to show a client of protocol `native` for a signature. */
export function carrySignature(signature: Signature, native: Protocol): string {
  return signature.origin === native
    ? signature.value
    : `${CARRY_PREFIX}${signature.origin}:${signature.value}`;
}

/** Split an envelope into its tag and value; undefined when `value` is not one. */
export function openEnvelope(value: string): { tag: string; value: string } | undefined {
  if (!value.startsWith(CARRY_PREFIX)) return undefined;
  const separator = value.indexOf(":", CARRY_PREFIX.length);
  if (separator === -1) return undefined;
  return { tag: value.slice(CARRY_PREFIX.length, separator), value: value.slice(separator + 1) };
}

/** The signature behind a value a client of protocol `native` sent back. */
export function uncarrySignature(value: string, native: Protocol): Signature {
  const envelope = openEnvelope(value);
  if (envelope !== undefined && isProtocol(envelope.tag))
    return { origin: envelope.tag, value: envelope.value };
  return { origin: native, value };
}
