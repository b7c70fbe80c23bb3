import path from "node:path";
import { safeParseJson } from "../../../src/core/json/safe-parse.js";
import type { JsonObject, JsonValue } from "../../../src/core/model/json.js";
import type { CoreContext, Protocol } from "../../../src/core/model/protocol.js";

/** 2026-01-01T00:00:00Z: every golden reports this clock. */
export const FIXED_NOW = 1_767_225_600_000;

/** A deterministic core context: counter ids (`call_golden1`, ...), a fixed clock. */
export function goldenContext(): CoreContext {
  let counter = 0;
  return { newId: (prefix) => `${prefix}golden${++counter}`, now: () => FIXED_NOW };
}

/** Where the golden files live, relative to the test files in test/golden/. */
export function goldenPath(...segments: string[]): string {
  return path.join("__goldens__", ...segments);
}

/** `anthropic--to--gemini`: one file name per protocol pair. */
export function pairName(from: Protocol, to: Protocol): string {
  return `${from}--to--${to}`;
}

/** JSON text that must parse (test helper; throws with the reason). */
export function parseJsonText(text: string): unknown {
  const parsed = safeParseJson(text);
  if (!parsed.ok) throw new Error(`not JSON (${parsed.error}): ${text.slice(0, 200)}`);
  return parsed.value;
}

const LINE_WIDTH = 110;
const INDENT = "  ";

function isFlat(value: JsonValue): boolean {
  if (value === null || typeof value !== "object") return true;
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

function flatText(value: JsonValue): string {
  if (Array.isArray(value)) return value.length === 0 ? "[]" : `[${value.map(flatText).join(", ")}]`;
  if (value !== null && typeof value === "object") return "{}";
  return JSON.stringify(value);
}

/**
 * One value at `depth`. `lead` is the text before it on its line (indent and key), `trail`
 * what follows it (a comma), so a short array of primitives can stay on one line.
 */
function formatValue(value: JsonValue, depth: number, lead: number, trail: number): string {
  if (isFlat(value)) return flatText(value);
  const inner = INDENT.repeat(depth + 1);
  const close = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    if (value.every(isFlat)) {
      const flat = flatText(value);
      if (lead + flat.length + trail <= LINE_WIDTH) return flat;
    }
    const items = value.map((item, index) => {
      const comma = index < value.length - 1 ? 1 : 0;
      return inner + formatValue(item, depth + 1, inner.length, comma);
    });
    return `[\n${items.join(",\n")}\n${close}]`;
  }
  const entries = Object.entries(value as JsonObject);
  const lines = entries.map(([key, item], index) => {
    const head = `${inner}${JSON.stringify(key)}: `;
    const comma = index < entries.length - 1 ? 1 : 0;
    return head + formatValue(item, depth + 1, head.length, comma);
  });
  return `{\n${lines.join(",\n")}\n${close}}`;
}

/**
 * Pretty JSON laid out the way the project's formatter (biome) lays out JSON: objects
 * expanded, short arrays of primitives on one line. Golden files stay lint-clean.
 */
export function formatGoldenJson(value: unknown): string {
  return `${formatValue(value as JsonValue, 0, 0, 0)}\n`;
}
