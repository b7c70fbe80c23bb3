/** Model-name globs: `*` matches any run of characters (line breaks too), `?` one character; case-insensitive. */
export function compileGlob(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "is");
}

export function isGlob(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}
