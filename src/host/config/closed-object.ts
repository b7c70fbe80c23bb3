import * as v from "valibot";

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `schema` for a mapping only. valibot's object and record schemas take any object, arrays
 * included, so `server: []` would pass as an empty `server`; this refuses it as a type error.
 */
export function mapping<const TSchema extends v.GenericSchema>(schema: TSchema) {
  // `expects` names the type in issues, as valibot's own object schemas do ("Object").
  const plainObject = Object.assign(v.custom<v.InferInput<TSchema>>(isMapping), { expects: "Object" });
  return v.pipe(plainObject, schema);
}

function unknownFieldsMessage(issue: v.StrictObjectIssue, entries: v.ObjectEntries): string {
  const item = issue.path?.[0];
  const keys =
    item?.type === "object"
      ? Object.keys(item.input).filter((key) => !Object.hasOwn(entries, key))
      : [String(issue.input)];
  return `unknown field${keys.length > 1 ? "s" : ""} ${keys.join(", ")}`;
}

/**
 * A mapping with exactly these fields. valibot stops at the first unknown key of an object; its
 * issue (the key's path, expected "never") names every unknown key, so one issue lists them all.
 */
export function closedObject<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  return mapping(
    v.strictObject(entries, (issue) => {
      if (issue.expected === "never") return unknownFieldsMessage(issue, entries);
      return issue.input === undefined ? "required" : "expected an object";
    }),
  );
}

/** The unknown-field issue of `closedObject`: it belongs to the object, one level above its path. */
export function isUnknownFieldIssue(issue: v.BaseIssue<unknown>): boolean {
  return issue.kind === "schema" && issue.type === "strict_object" && issue.expected === "never";
}
