import { compileGlob, isGlob } from "./glob.js";

const MAX_CACHED = 1000;
const cache = new Map<string, RegExp>();

/** True when `text` matches `pattern` (a glob from glob.ts, case-insensitive); compiled patterns are memoized. */
export function matchGlob(pattern: string, text: string): boolean {
  if (!isGlob(pattern)) return pattern.toLowerCase() === text.toLowerCase();
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    compiled = compileGlob(pattern);
    cache.set(pattern, compiled);
  }
  return compiled.test(text);
}
