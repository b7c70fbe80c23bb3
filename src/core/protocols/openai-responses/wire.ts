import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";

/** Readers for untrusted upstream JSON: each returns undefined when the field has another type. */
export function objectOf(value: unknown): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

export function stringAt(object: JsonObject | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === "string" ? value : undefined;
}

export function numberAt(object: JsonObject | undefined, key: string): number | undefined {
  const value = object?.[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function objectAt(object: JsonObject | undefined, key: string): JsonObject | undefined {
  return objectOf(object?.[key]);
}

export function arrayAt(object: JsonObject | undefined, key: string): JsonValue[] {
  const value = object?.[key];
  return Array.isArray(value) ? value : [];
}

/** A copy of `object` without `keys`; undefined when nothing is left. */
export function omitKeys(object: JsonObject, keys: ReadonlySet<string>): JsonObject | undefined {
  let rest: JsonObject | undefined;
  for (const [key, value] of Object.entries(object)) {
    if (keys.has(key)) continue;
    rest ??= {};
    rest[key] = value;
  }
  return rest;
}
