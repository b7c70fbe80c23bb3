import type { JsonObject, JsonValue } from "../model/json.js";

/** Where a value sits in a payload: object keys and array positions from the root. */
type Path = readonly (string | number)[];

/** The values of a template's holes, in text order. */
type HoleValue = string | number;

/** Which holes sit below one container of the payload, and where. */
interface RebuildNode {
  keys: (string | number)[];
  /** Per key: a hole number (its value goes there) or the node below that key. */
  children: (number | RebuildNode)[];
}

/** Payloads with more holes than this are not worth a template. */
const MAX_HOLES = 8;

/**
 * Marks a hole (its number follows) while a template's text is rendered. A payload string that
 * happens to look the same makes that template fail, never read wrongly.
 */
const MARK = "\u0000llmux-hole:";
const QUOTED_MARK = JSON.stringify(MARK).slice(0, -1);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/**
 * Collects into `out` the paths of the scalars (strings and numbers) in which two payloads of
 * the same shape differ; false when the shapes differ (keys, key order, array lengths, other
 * values), they differ in more than `MAX_HOLES` places or below a `__proto__` key.
 */
function differingScalars(a: JsonValue, b: JsonValue, path: (string | number)[], out: Path[]): boolean {
  if (a === b) return true;
  if (typeof a === "string" || typeof a === "number") {
    // A value is put in place by assignment, which a `__proto__` key would turn into a prototype.
    if (typeof b !== typeof a || out.length >= MAX_HOLES || path.includes("__proto__")) return false;
    out.push([...path]);
    return true;
  }
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index++) {
      path.push(index);
      const same = differingScalars(a[index]!, b[index]!, path, out);
      path.pop();
      if (!same) return false;
    }
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  if (keys.length !== otherKeys.length) return false;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    if (key !== otherKeys[index]) return false;
    path.push(key);
    const same = differingScalars(a[key]!, b[key]!, path, out);
    path.pop();
    if (!same) return false;
  }
  return true;
}

/** A copy of `value` with `replacement` at `path` (containers on the path are copied). */
function withValueAt(value: JsonValue, path: Path, depth: number, replacement: JsonValue): JsonValue {
  if (depth === path.length) return replacement;
  const key = path[depth]!;
  if (Array.isArray(value)) {
    const copy = value.slice();
    copy[key as number] = withValueAt(value[key as number]!, path, depth + 1, replacement);
    return copy;
  }
  const object = value as JsonObject;
  const copy: JsonObject = { ...object };
  copy[key] = withValueAt(object[key]!, path, depth + 1, replacement);
  return copy;
}

function rebuildNodes(paths: readonly Path[]): RebuildNode {
  const root: RebuildNode = { keys: [], children: [] };
  paths.forEach((path, hole) => {
    let node = root;
    for (let depth = 0; depth < path.length; depth++) {
      const key = path[depth]!;
      if (depth === path.length - 1) {
        node.keys.push(key);
        node.children.push(hole);
        break;
      }
      let position = node.keys.indexOf(key);
      if (position === -1) {
        node.keys.push(key);
        node.children.push({ keys: [], children: [] });
        position = node.keys.length - 1;
      }
      node = node.children[position] as RebuildNode;
    }
  });
  return root;
}

/**
 * `base` with the hole values put in place: only containers above a hole are copied. (A spread
 * copies an own `__proto__` key as JSON.parse makes it; no hole sits below such a key.)
 */
function rebuild(base: JsonValue, node: RebuildNode, values: readonly HoleValue[]): JsonValue {
  const keys = node.keys;
  const children = node.children;
  if (Array.isArray(base)) {
    const copy = base.slice();
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as number;
      const child = children[index]!;
      copy[key] = typeof child === "number" ? values[child]! : rebuild(base[key]!, child, values);
    }
    return copy;
  }
  const object = base as JsonObject;
  const copy: JsonObject = { ...object };
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    const child = children[index]!;
    copy[key] = typeof child === "number" ? values[child]! : rebuild(object[key]!, child, values);
  }
  return copy;
}

/**
 * Whether `text` holds `part` at `position`. A short part is compared in place; a longer one
 * as a slice, which compares its characters natively.
 */
function hasAt(text: string, position: number, part: string): boolean {
  return part.length < 16
    ? text.startsWith(part, position)
    : text.slice(position, position + part.length) === part;
}

/** The index of the quote that closes the string whose text starts at `start`, or -1. */
function closingQuote(text: string, start: number): number {
  let quote = text.indexOf('"', start);
  while (quote !== -1) {
    let backslashes = 0;
    while (quote - 1 - backslashes >= start && text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) {
      backslashes++;
    }
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return -1;
}

/** Whether text[start, end) holds no escape and no control character: it is the string as is. */
function isPlain(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === BACKSLASH) return false;
  }
  return true;
}

/** The end of a JSON number starting at `start` (RFC 8259 grammar), or -1. */
function numberEnd(text: string, start: number): number {
  let index = start;
  if (text.charCodeAt(index) === MINUS) index++;
  const integer = index;
  while (isDigit(text.charCodeAt(index))) index++;
  if (index === integer || (text.charCodeAt(integer) === ZERO && index - integer > 1)) return -1;
  if (text.charCodeAt(index) === DOT) {
    const fraction = ++index;
    while (isDigit(text.charCodeAt(index))) index++;
    if (index === fraction) return -1;
  }
  const exponent = text.charCodeAt(index);
  if (exponent === LOWER_E || exponent === UPPER_E) {
    index++;
    const sign = text.charCodeAt(index);
    if (sign === PLUS || sign === MINUS) index++;
    const digits = index;
    while (isDigit(text.charCodeAt(index))) index++;
    if (index === digits) return -1;
  }
  return index;
}

/**
 * The layout two payloads of one stream share: the text around the strings and numbers that
 * differ between them (the holes). A payload that has exactly this text around valid JSON
 * literals of the same kinds is read by scanning only the holes; the result equals
 * `JSON.parse` of it, sharing the unchanged parts with the payload the template was learned
 * from (payloads are read, never modified). The fixed text is rendered by `JSON.stringify`
 * and must reproduce the learned payload byte for byte, so an upstream that spaces or escapes
 * its JSON differently simply gets no template.
 */
export class JsonTemplate {
  private readonly values: HoleValue[];

  private constructor(
    /** Fixed text before each hole, then after the last one. */
    private readonly parts: readonly string[],
    /** Per hole, in text order: whether it holds a string (else a number). */
    private readonly strings: readonly boolean[],
    /** Per hole, in text order: where its value goes. */
    private readonly paths: readonly Path[],
    private readonly base: JsonValue,
    private readonly node: RebuildNode,
  ) {
    this.values = new Array<HoleValue>(strings.length);
  }

  /**
   * The template of `text` (parsed: `value`) against `previous`, an earlier payload: "shape"
   * when the two do not share a shape, undefined when they do but `text` is not written the
   * way `JSON.stringify` writes it.
   */
  static learn(previous: JsonValue, value: JsonValue, text: string): JsonTemplate | "shape" | undefined {
    const paths: Path[] = [];
    if (!differingScalars(previous, value, [], paths)) return "shape";
    return JsonTemplate.build(value, text, paths);
  }

  /**
   * This template widened to also read `text` (parsed: `value`), a payload of the same shape
   * that differs in more places (a counter that stood still between the two payloads it was
   * learned from): "shape" and undefined as for `learn`.
   */
  widen(value: JsonValue, text: string): JsonTemplate | "shape" | undefined {
    const paths: Path[] = [];
    if (!differingScalars(this.base, value, [], paths)) return "shape";
    const known = new Set(paths.map((path) => JSON.stringify(path)));
    for (const path of this.paths) if (!known.has(JSON.stringify(path))) paths.push(path);
    if (paths.length > MAX_HOLES) return undefined;
    return JsonTemplate.build(value, text, paths);
  }

  private static build(value: JsonValue, text: string, paths: readonly Path[]): JsonTemplate | undefined {
    let marked = value;
    paths.forEach((path, hole) => {
      marked = withValueAt(marked, path, 0, `${MARK}${hole}`);
    });
    const rendered = JSON.stringify(marked);
    const parts: string[] = [];
    const strings: boolean[] = [];
    const order: Path[] = [];
    let position = 0;
    for (;;) {
      const start = rendered.indexOf(QUOTED_MARK, position);
      if (start === -1) break;
      const end = rendered.indexOf('"', start + QUOTED_MARK.length);
      const path = paths[Number(rendered.slice(start + QUOTED_MARK.length, end))];
      if (path === undefined || order.includes(path)) return undefined;
      parts.push(rendered.slice(position, start));
      strings.push(typeof valueAt(value, path) === "string");
      order.push(path);
      position = end + 1;
    }
    parts.push(rendered.slice(position));
    if (order.length !== paths.length) return undefined;
    const template = new JsonTemplate(parts, strings, order, value, rebuildNodes(order));
    // The fixed text must be the upstream's own: the learned payload reads back to itself.
    const check = template.read(text);
    if (check === undefined) return undefined;
    for (const path of order) if (!Object.is(valueAt(check, path), valueAt(value, path))) return undefined;
    return template;
  }

  /** `JSON.parse(text)` when `text` has this layout; undefined when it does not. */
  read(text: string): JsonValue | undefined {
    const parts = this.parts;
    const strings = this.strings;
    const values = this.values;
    let position = 0;
    for (let hole = 0; hole < strings.length; hole++) {
      const part = parts[hole]!;
      if (!hasAt(text, position, part)) return undefined;
      position += part.length;
      if (strings[hole]) {
        if (text.charCodeAt(position) !== QUOTE) return undefined;
        const end = closingQuote(text, position + 1);
        if (end === -1) return undefined;
        if (end - position <= 64 && isPlain(text, position + 1, end)) {
          values[hole] = text.slice(position + 1, end);
        } else {
          let decoded: unknown;
          try {
            decoded = JSON.parse(text.slice(position, end + 1));
          } catch {
            return undefined;
          }
          if (typeof decoded !== "string") return undefined;
          values[hole] = decoded;
        }
        position = end + 1;
      } else {
        const end = numberEnd(text, position);
        if (end === -1) return undefined;
        values[hole] = Number(text.slice(position, end));
        position = end;
      }
    }
    const last = parts[strings.length]!;
    if (text.length - position !== last.length || !hasAt(text, position, last)) return undefined;
    return rebuild(this.base, this.node, values);
  }
}

function valueAt(value: JsonValue, path: Path): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = Array.isArray(current) ? current[key as number] : current[key as string];
  }
  return current;
}
