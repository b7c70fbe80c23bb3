/**
 * What differs between Gemini model generations. Model ids are opaque strings
 * (`gemini-3-pro-preview`, `models/gemini-2.0-flash`, `publishers/google/models/...`), so
 * these look only for the generation number and fall back to the current API's behaviour.
 */

const GENERATION = /gemini-(\d+)(?:\.(\d+))?/i;

function generationOf(model: string): { major: number; minor: number } | undefined {
  const match = GENERATION.exec(model);
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: match[2] === undefined ? 0 : Number(match[2]) };
}

/** Gemini 3 and later: `thinkingLevel`, mandatory thought signatures on function calls. */
export function isGemini3OrLater(model: string): boolean {
  const generation = generationOf(model);
  return generation !== undefined && generation.major >= 3;
}

/**
 * Gemini 1.x and 2.0 predate `parametersJsonSchema`/`responseJsonSchema`: they get the
 * legacy OpenAPI-subset `parameters`/`responseSchema`, sanitized.
 */
export function needsLegacySchema(model: string): boolean {
  const generation = generationOf(model);
  return (
    generation !== undefined && (generation.major < 2 || (generation.major === 2 && generation.minor === 0))
  );
}

/**
 * Models that reject a replayed function call without a thought signature: every model
 * that is not known to be older than Gemini 3 (aliases such as `gemini-flash-latest` included).
 */
export function requiresCallSignature(model: string): boolean {
  const generation = generationOf(model);
  return generation === undefined || generation.major >= 3;
}

/** Gemini 1.x and 2.0 do not think (except the 2.0 thinking experiments) and reject `thinkingConfig`. */
export function supportsThinking(model: string): boolean {
  return !needsLegacySchema(model) || /thinking/i.test(model);
}

/** Gemini 2.5 Pro and Gemini 3 Pro cannot switch thinking off. */
export function canDisableThinking(model: string): boolean {
  if (isGemini3OrLater(model)) return false;
  return !/gemini-2\.5-pro/i.test(model);
}

/** Gemini 3 Flash accepts `thinkingLevel: MINIMAL`; Pro models start at LOW. */
export function supportsMinimalThinking(model: string): boolean {
  return /flash/i.test(model);
}
