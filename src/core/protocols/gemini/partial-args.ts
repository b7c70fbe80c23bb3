import { isJsonObject, type JsonObject } from "../../model/json.js";

/** One step of a JSONPath: an object key or an array index. */
export type PathSegment = string | number;

/**
 * A streamed argument's `jsonPath` (RFC 9535, as Gemini writes it: `$.a.b[0].c`, also
 * `$['a b']`) as segments; `undefined` when it cannot be read.
 */
export function parseJsonPath(path: string): PathSegment[] | undefined {
  if (!path.startsWith("$")) return undefined;
  const segments: PathSegment[] = [];
  let position = 1;
  while (position < path.length) {
    const char = path[position];
    if (char === ".") {
      let end = position + 1;
      while (end < path.length && path[end] !== "." && path[end] !== "[") end++;
      if (end === position + 1) return undefined;
      segments.push(path.slice(position + 1, end));
      position = end;
    } else if (char === "[") {
      const quote = path[position + 1];
      if (quote === "'" || quote === '"') {
        let end = position + 2;
        let name = "";
        while (end < path.length && path[end] !== quote) {
          if (path[end] === "\\" && end + 1 < path.length) end++;
          name += path[end];
          end++;
        }
        if (path[end + 1] !== "]") return undefined;
        segments.push(name);
        position = end + 2;
      } else {
        const end = path.indexOf("]", position);
        if (end === -1) return undefined;
        const index = Number(path.slice(position + 1, end));
        if (!Number.isInteger(index) || index < 0) return undefined;
        segments.push(index);
        position = end + 1;
      }
    } else {
      return undefined;
    }
  }
  return segments;
}

interface Container {
  /** This container's key or index in its parent (unused for the root). */
  segment: PathSegment;
  kind: "object" | "array";
  /** Members written so far. */
  count: number;
}

function samePath(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

function escapeStringBody(text: string): string {
  const quoted = JSON.stringify(text);
  return quoted.slice(1, quoted.length - 1);
}

function scalarText(argument: JsonObject): string {
  const number = argument.numberValue;
  if (typeof number === "number") return Number.isFinite(number) ? JSON.stringify(number) : "null";
  if (typeof argument.boolValue === "boolean") return argument.boolValue ? "true" : "false";
  return "null";
}

/**
 * Gemini streamed function arguments (`functionCall.partialArgs`: `{jsonPath, stringValue |
 * numberValue | boolValue | nullValue, willContinue}`) -> the argument JSON text, written
 * incrementally: each call returns the text to append, never rewriting what was sent.
 * Gemini streams values in document order; a path that re-enters a container already
 * closed yields a repeated key (still valid JSON text).
 */
export class PartialArgsWriter {
  private readonly open: Container[] = [];
  private openString: PathSegment[] | undefined;

  /** The JSON text that this argument adds. */
  apply(argument: unknown): string {
    if (!isJsonObject(argument) || typeof argument.jsonPath !== "string") return "";
    const path = parseJsonPath(argument.jsonPath);
    if (path === undefined || path.length === 0) return "";
    let out = "";
    if (this.open.length === 0) {
      out += "{";
      this.open.push({ segment: "$", kind: "object", count: 0 });
    }
    const stringValue = typeof argument.stringValue === "string" ? argument.stringValue : undefined;
    const continues = argument.willContinue === true;
    if (this.openString !== undefined) {
      if (stringValue !== undefined && samePath(this.openString, path)) {
        out += escapeStringBody(stringValue);
        if (!continues) {
          out += '"';
          this.openString = undefined;
        }
        return out;
      }
      out += '"';
      this.openString = undefined;
    }
    const containerDepth = path.length - 1;
    let common = 0;
    while (
      common < containerDepth &&
      common + 1 < this.open.length &&
      this.open[common + 1]!.segment === path[common]
    ) {
      common++;
    }
    while (this.open.length - 1 > common) out += this.close();
    for (let depth = common; depth < containerDepth; depth++) {
      out += this.member(path[depth]!);
      const next = path[depth + 1]!;
      const kind = typeof next === "number" ? "array" : "object";
      out += kind === "array" ? "[" : "{";
      this.open.push({ segment: path[depth]!, kind, count: 0 });
    }
    out += this.member(path[containerDepth]!);
    if (stringValue !== undefined) {
      out += `"${escapeStringBody(stringValue)}`;
      if (continues) this.openString = path;
      else out += '"';
    } else {
      out += scalarText(argument);
    }
    return out;
  }

  /** The text that closes everything still open; `{}` when no argument ever arrived. */
  finish(): string {
    if (this.open.length === 0) return "{}";
    let out = "";
    if (this.openString !== undefined) {
      out += '"';
      this.openString = undefined;
    }
    while (this.open.length > 0) out += this.close();
    return out;
  }

  private close(): string {
    const container = this.open.pop()!;
    return container.kind === "array" ? "]" : "}";
  }

  /** The separator and key (or array padding) before a new member of the innermost container. */
  private member(segment: PathSegment): string {
    const container = this.open[this.open.length - 1]!;
    let out = "";
    if (container.kind === "array") {
      if (typeof segment === "number") {
        while (container.count < segment) {
          out += container.count > 0 ? ",null" : "null";
          container.count++;
        }
      }
      if (container.count > 0) out += ",";
    } else {
      if (container.count > 0) out += ",";
      out += `${JSON.stringify(String(segment))}:`;
    }
    container.count++;
    return out;
  }
}
