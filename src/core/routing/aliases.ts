import { isGlob } from "./glob.js";
import { matchGlob } from "./match-glob.js";

/**
 * The target of a client's model name in the alias table: an exact name first, then the globs
 * (`claude-*haiku*`, case-insensitive) in config order. The value is a route name or a
 * `provider/model`; `undefined` when no alias applies.
 */
export function resolveAlias(model: string, aliases: Readonly<Record<string, string>>): string | undefined {
  const exact = Object.hasOwn(aliases, model) ? aliases[model] : undefined;
  if (exact !== undefined) return exact;
  for (const [pattern, target] of Object.entries(aliases)) {
    if (isGlob(pattern) && matchGlob(pattern, model)) return target;
  }
  return undefined;
}
