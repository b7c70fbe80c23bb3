/** FNV-1a, 32 bits, as 8 hex digits: a short deterministic digest for ids (not for security). */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let position = 0; position < text.length; position++) {
    hash ^= text.charCodeAt(position);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/**
 * Ids for tool calls that arrive without one (Gemini history). An id is a digest of where the
 * call sits in the history and what it is, so the same history gets the same ids on every turn:
 * upstreams that key prompt caches on the history (OpenAI, Anthropic) see an unchanged prefix,
 * and a call and its result always pair. Ids minted for one request are never repeated in it.
 */
export class StableCallIds {
  private readonly used = new Set<string>();

  /** The id of the call at `position` (e.g. `3.1`: content 3, part 1) with this name and arguments. */
  mint(position: string, name: string, argumentsText: string, prefix = "call_"): string {
    let id = `${prefix}${fnv1a(`${position}\n${name}\n${argumentsText}`)}`;
    for (let attempt = 1; this.used.has(id); attempt++)
      id = `${prefix}${fnv1a(`${position}\n${name}\n${argumentsText}\n${attempt}`)}`;
    this.used.add(id);
    return id;
  }
}
