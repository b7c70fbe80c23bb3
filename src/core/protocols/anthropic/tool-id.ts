import { fnv1a } from "../../tools/tool-ids.js";

const VALID_TOOL_ID = /^[a-zA-Z0-9_-]+$/;
const INVALID_CHARACTERS = /[^a-zA-Z0-9_-]/g;

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
