/** OpenAI rejects tool call ids longer than 40 characters. */
export const MAX_TOOL_CALL_ID_LENGTH = 40;

function fnv1a(text: string, seed: number): string {
  let hash = seed >>> 0;
  for (let position = 0; position < text.length; position++) {
    hash ^= text.charCodeAt(position);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/**
 * A tool call id Chat Completions accepts. Ids that fit pass through unchanged; longer ones are
 * shortened deterministically (prefix + hash of the whole id), so a call and its result still match.
 */
export function sanitizeToolCallId(id: string): string {
  if (id.length <= MAX_TOOL_CALL_ID_LENGTH) return id;
  const hash = fnv1a(id, 0x811c9dc5) + fnv1a(id, 0x01000193);
  return `${id.slice(0, MAX_TOOL_CALL_ID_LENGTH - hash.length - 1)}_${hash}`;
}
