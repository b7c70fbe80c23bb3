const VALID_TOOL_ID = /^[a-zA-Z0-9_-]+$/;
const INVALID_CHARACTERS = /[^a-zA-Z0-9_-]/g;

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let position = 0; position < text.length; position++) {
    hash ^= text.charCodeAt(position);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/**
 * A tool use id Anthropic accepts (`^[a-zA-Z0-9_-]+$`). Valid ids pass through unchanged; others
 * get their invalid characters replaced and a hash of the whole id appended, so the result is
 * the same for a call and its result and two different ids never collapse into one.
 */
export function sanitizeAnthropicToolId(id: string): string {
  if (VALID_TOOL_ID.test(id)) return id;
  const cleaned = id.replace(INVALID_CHARACTERS, "_");
  return `${cleaned === "" ? "toolu" : cleaned}_${fnv1a(id)}`;
}
