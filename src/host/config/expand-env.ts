/** A `${VAR}` that is unset and has no default. */
export interface MissingVariable {
  path: string;
  name: string;
}

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function expandString(
  text: string,
  env: NodeJS.ProcessEnv,
  path: string,
  missing: MissingVariable[],
): string {
  return text.replace(PATTERN, (_match, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
    if (fallback !== undefined) return fallback;
    missing.push({ path, name });
    return "";
  });
}

function joinPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

/**
 * Expand `${VAR}` and `${VAR:-default}` in every string of a parsed config (after YAML/JSON
 * parsing, so a value can never inject structure). Unset variables without a default are
 * reported with their path rather than silently becoming empty.
 */
export function expandEnvironment(
  value: unknown,
  env: NodeJS.ProcessEnv,
  missing: MissingVariable[],
  path = "",
): unknown {
  if (typeof value === "string")
    return value.includes("${") ? expandString(value, env, path, missing) : value;
  if (Array.isArray(value))
    return value.map((item, index) => expandEnvironment(item, env, missing, joinPath(path, index)));
  if (typeof value === "object" && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = expandEnvironment(item, env, missing, joinPath(path, key));
    }
    return result;
  }
  return value;
}
