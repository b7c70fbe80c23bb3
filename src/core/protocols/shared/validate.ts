import * as v from "valibot";
import { LlmuxError } from "../../model/errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../../model/json.js";
import {
  expectedNames,
  formatPath as formatKeys,
  type IssuePathKey,
  issueKeys,
  kindOf,
} from "../../validation/issue-text.js";

/**
 * Wire-edge validation shared by the protocol adapters: a few schema pieces every protocol uses,
 * and `parseAt`, which runs a valibot schema and turns its first issue into an `invalid_request`
 * naming the exact path (`messages[2].content[0].text: expected string, received number`).
 */

/** Any valibot schema with no async step (the wire schemas are all synchronous). */
export type WireSchema = v.GenericSchema;

/** Stop at the first issue: only that one is reported, and a bad body costs no more work. */
const PARSE_CONFIG: v.Config<v.BaseIssue<unknown>> = { abortEarly: true };

/**
 * A JSON object (tool input, JSON schema, ...). Only the top level is checked: request bodies
 * come from JSON.parse, so everything below is JSON already, and walking a large tool schema or
 * tool input on every request would cost for nothing. Wire schemas are not used on values built
 * any other way.
 */
export const jsonObject = v.custom<JsonObject>(
  isJsonObject,
  (issue) => `expected object, received ${kindOf(issue.input)}`,
);

/** Any JSON value. Only `undefined` is refused: a JSON-parsed body holds nothing else that is not JSON. */
export const jsonValue = v.custom<JsonValue>(
  (value) => value !== undefined,
  () => "expected a JSON value, received undefined",
);

export const nonEmptyString = v.pipe(v.string(), v.minLength(1));

/** `a`, `a or b`, `a, b or c`. */
function listOf(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? "a value";
  return `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

/** What a schema expected, as a readable list. */
function describeExpected(expected: string | null): string {
  const names = expectedNames(expected);
  return names.length === 0 ? "a value" : listOf(names);
}

/** The received value: quoted when a string was checked against literals, else its kind. */
function describeReceived(input: unknown, expected: string | null): string {
  if (typeof input === "string" && expected?.includes('"') === true) {
    return input.length <= 64 ? JSON.stringify(input) : "another string";
  }
  return kindOf(input);
}

function describeLength(issue: v.BaseIssue<unknown>): string {
  const minimum = Number(issue.requirement);
  if (typeof issue.input === "string") {
    return minimum === 1 ? "expected a non-empty string" : `expected at least ${minimum} characters`;
  }
  return minimum === 1 ? "expected a non-empty array" : `expected at least ${minimum} items`;
}

function describeValidation(issue: v.BaseIssue<unknown>): string {
  switch (issue.type) {
    case "min_length":
      return describeLength(issue);
    case "integer":
      return `expected an integer, received ${String(issue.input)}`;
    case "min_value":
      return `expected a number >= ${String(issue.requirement)}, received ${String(issue.input)}`;
    case "max_value":
      return `expected a number <= ${String(issue.requirement)}, received ${String(issue.input)}`;
    case "gt_value":
      return `expected a number > ${String(issue.requirement)}, received ${String(issue.input)}`;
    default:
      return issue.message;
  }
}

interface Problem {
  keys: IssuePathKey[];
  message: string;
}

/**
 * The most useful reading of an issue. A union whose branches all rejected the value's type
 * lists what they expected; otherwise the branch that got furthest into the value says best
 * what is wrong (a bad `image_url.url` rather than "invalid input").
 */
function describeIssue(issue: v.BaseIssue<unknown>): Problem {
  const keys = issueKeys(issue);
  const branches = issue.type === "union" ? issue.issues : undefined;
  if (branches !== undefined && branches.length > 0) {
    // A branch that accepted the type but not the value (a deeper path, or a failed check).
    let best: v.BaseIssue<unknown> | undefined;
    for (const branch of branches) {
      const depth = branch.path?.length ?? 0;
      if (depth === 0 && branch.kind === "schema") continue;
      if (best === undefined || depth > (best.path?.length ?? 0)) best = branch;
    }
    if (best !== undefined) {
      const inner = describeIssue(best);
      return { keys: [...keys, ...inner.keys], message: inner.message };
    }
  }
  if (issue.kind !== "schema") return { keys, message: describeValidation(issue) };
  if (issue.type === "custom") return { keys, message: issue.message };
  if (issue.path?.at(-1)?.origin === "key") return { keys, message: "required" };
  const expected = describeExpected(issue.expected);
  return { keys, message: `expected ${expected}, received ${describeReceived(issue.input, issue.expected)}` };
}

/** `messages[2].content[0].text` from a prefix and path keys; `body` for the body itself. */
export function formatPath(prefix: string, keys: readonly IssuePathKey[]): string {
  return formatKeys(keys, "body", prefix);
}

/**
 * Parse `value` with `schema`. A failure throws `invalid_request` whose message and `param`
 * name the path of the first issue under `prefix` (`""` for the body itself).
 */
export function parseAt<S extends WireSchema>(schema: S, value: unknown, prefix: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value, PARSE_CONFIG);
  if (result.success) return result.output;
  const first = result.issues[0];
  const problem: Problem =
    first === undefined ? { keys: [], message: "invalid value" } : describeIssue(first);
  const param = formatPath(prefix, problem.keys);
  throw new LlmuxError("invalid_request", `${param}: ${problem.message}`, { param });
}
