import { isJsonObject, type JsonObject, type JsonValue } from "../../../src/core/model/json.js";
import { parseJsonText } from "./golden-files.js";

/** Loose readers for wire JSON in tests: absent or mistyped fields read as empty. */

export function objectsOf(value: JsonValue | undefined): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

export function objectOf(value: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

export function stringOf(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Tool-call argument text as a value; "" and absent read as {} (raw checks catch "" separately). */
export function argumentsValue(text: string | undefined): unknown {
  if (text === undefined || text === "") return {};
  return parseJsonText(text);
}
