import type * as v from "valibot";

/**
 * Pieces of a readable valibot issue shared by the wire validators (`core/protocols/shared`)
 * and the configuration's (`host/config`): the path, the kind of what was received, what was
 * expected. None of them ever prints a value (it may be a secret).
 */

export type IssuePathKey = string | number;

/** The object keys and array positions of an issue's path. */
export function issueKeys(issue: v.BaseIssue<unknown>): IssuePathKey[] {
  const keys: IssuePathKey[] = [];
  for (const item of issue.path ?? []) {
    if (typeof item.key === "string" || typeof item.key === "number") keys.push(item.key);
  }
  return keys;
}

/** `messages[2].content[0].text` after `prefix`; `empty` when both are empty. */
export function formatPath(keys: readonly IssuePathKey[], empty: string, prefix = ""): string {
  let text = prefix;
  for (const key of keys) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text === "" ? key : `.${key}`;
  }
  return text === "" ? empty : text;
}

/** The kind of a value, never the value itself: `null`, `array`, `NaN`, or its `typeof`. */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return typeof value;
}

/** valibot's `expected` (`(string | Object)`, `("user" | "assistant")`) as names, once each. */
export function expectedNames(expected: string | null | undefined): string[] {
  const names = new Set<string>();
  for (const raw of (expected ?? "").replace(/[()]/g, "").split(" | ")) {
    const name = raw.trim();
    if (name === "Object" || name === "Array") names.add(name.toLowerCase());
    else if (name !== "") names.add(name);
  }
  return [...names];
}
