/** Model-name globs: `*` matches any run of characters, `?` one character; case-insensitive. */
export function compileGlob(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i");
}

export function isGlob(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}
