import type * as v from "valibot";
import {
  expectedNames,
  formatPath,
  type IssuePathKey,
  issueKeys,
  kindOf,
} from "../../core/validation/issue-text.js";
import { isUnknownFieldIssue } from "./closed-object.js";

type Issue = v.BaseIssue<unknown>;
type PathKey = IssuePathKey;

function describe(issue: Issue): string {
  if (issue.kind === "schema") {
    if (isUnknownFieldIssue(issue)) return issue.message;
    if (issue.input === undefined) return "required";
    if (issue.type === "picklist") return `expected one of ${expectedNames(issue.expected).join(", ")}`;
    return `expected ${expectedNames(issue.expected).join(" or ")}, received ${kindOf(issue.input)}`;
  }
  const size = typeof issue.input === "string" ? "characters" : "items";
  switch (issue.type) {
    case "min_length":
      return issue.requirement === 1 ? "must not be empty" : `expected at least ${issue.requirement} ${size}`;
    case "min_value":
      return `must be at least ${issue.requirement}`;
    case "max_value":
      return `must be at most ${issue.requirement}`;
    case "integer":
    case "safe_integer":
      return "must be an integer";
    case "finite":
      return "must be a finite number";
    default:
      // Checks and patterns of the config schema carry their own wording.
      return issue.message;
  }
}

/**
 * A union whose options all failed: the options that got past the type check (their issues sit
 * deeper than the union) say what is wrong; when none did, the value has the wrong type.
 */
function expandUnion(issue: Issue, prefix: PathKey[], lines: string[]): boolean {
  if (issue.type !== "union" || issue.issues === undefined) return false;
  const deeper = issue.issues.filter((sub) => (sub.path?.length ?? 0) > 0);
  if (deeper.length === 0) return false;
  for (const sub of deeper) collect(sub, prefix, lines);
  return true;
}

function collect(issue: Issue, prefix: PathKey[], lines: string[]): void {
  const path = [...prefix, ...issueKeys(issue)];
  if (expandUnion(issue, path, lines)) return;
  const where = isUnknownFieldIssue(issue) ? path.slice(0, -1) : path;
  const line = `${formatPath(where, "(top level)")}: ${describe(issue)}`;
  if (!lines.includes(line)) lines.push(line);
}

/**
 * Every issue of a config parse as a `path: message` line: `required` for a missing field,
 * `unknown field(s) a, b` on the object that has them. Messages name types, never values.
 */
export function describeIssues(issues: readonly Issue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) collect(issue, [], lines);
  return lines;
}
