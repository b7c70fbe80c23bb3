/**
 * A validating scan of a JSON object in UTF-8 bytes that finds where some of its top-level
 * members' values lie, without building the object: a gateway that passes a body through needs
 * `model` and `stream`, not the whole tree (JSON.parse of a 100 KB body costs ~130 us; this
 * scan about half, and allocates nothing per string).
 *
 * It accepts exactly what `JSON.parse` accepts (RFC 8259: no trailing commas, no comments, no
 * leading zeros, no raw control characters in strings, only the standard escapes), so a body it
 * calls valid is one JSON.parse would take. When it says `undefined` (not JSON, or not an
 * object), the caller parses in full for the exact error. Input must be valid UTF-8 (the server
 * checks that before anything reads the body); bytes >= 0x80 are only accepted inside strings.
 *
 * Duplicate keys: like JSON.parse, the last occurrence wins; `count` tells how many there were.
 * Keys with escapes (`"mod\u0065l"`) are compared after unescaping.
 */

import { safeParseJson } from "./safe-parse.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Where one top-level member's value lies: bytes `[start, end)` of the input. */
export interface FieldSpan {
  start: number;
  end: number;
  /** How many times the key occurs at the top level (the span is the last one's). */
  count: number;
  /** Whether the last occurrence's key was written with escapes. */
  escapedKey: boolean;
}

interface Scanner {
  bytes: Buffer;
  /** The input as 32-bit words from `wordsFrom` on (aligned), for skipping plain string bytes 4 at a time. */
  words: Int32Array;
  wordsFrom: number;
  /** Set by `skipString`: whether the string just skipped held a backslash. */
  sawEscape: boolean;
}

function skipWhitespace(bytes: Buffer, position: number): number {
  for (;;) {
    const byte = bytes[position];
    if (
      byte === undefined ||
      byte > 0x20 ||
      (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09)
    )
      return position;
    position++;
  }
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= ZERO && byte <= NINE;
}

function isHex(byte: number | undefined): boolean {
  if (byte === undefined) return false;
  const lower = byte | 0x20;
  return (byte >= ZERO && byte <= NINE) || (lower >= 0x61 && lower <= 0x66);
}

/** A byte a string scan must stop at: a quote, a backslash or a control character. */
function isSpecial(byte: number): boolean {
  return byte === QUOTE || byte === BACKSLASH || byte < 0x20;
}

/**
 * The position of the first special byte at or after `position`, or -1. Whole 4-byte words with
 * none are skipped with bit tricks (a word has a byte < 0x20, or equal to `"` or `\`, exactly when
 * the expressions below are non-zero), so long string values cost a fraction of a byte loop.
 */
function findSpecial(scanner: Scanner, position: number): number {
  const { bytes, words, wordsFrom } = scanner;
  const length = bytes.length;
  while (position < length && (position < wordsFrom || ((position - wordsFrom) & 3) !== 0)) {
    if (isSpecial(bytes[position]!)) return position;
    position++;
  }
  let word = (position - wordsFrom) >> 2;
  const wordCount = words.length;
  while (word < wordCount) {
    const value = words[word]!;
    const quote = value ^ 0x22222222;
    const backslash = value ^ 0x5c5c5c5c;
    if (
      ((value - 0x20202020) & ~value & 0x80808080) !== 0 ||
      ((quote - 0x01010101) & ~quote & 0x80808080) !== 0 ||
      ((backslash - 0x01010101) & ~backslash & 0x80808080) !== 0
    ) {
      break;
    }
    word++;
  }
  position = Math.max(position, wordsFrom + (word << 2));
  while (position < length) {
    if (isSpecial(bytes[position]!)) return position;
    position++;
  }
  return -1;
}

/** Skip a string whose opening quote is at `position - 1`; the position after its closing quote, or -1. */
function skipString(scanner: Scanner, position: number): number {
  const bytes = scanner.bytes;
  scanner.sawEscape = false;
  for (;;) {
    const at = findSpecial(scanner, position);
    if (at === -1) return -1;
    const byte = bytes[at]!;
    if (byte === QUOTE) return at + 1;
    if (byte !== BACKSLASH) return -1; // a raw control character
    scanner.sawEscape = true;
    const escaped = bytes[at + 1];
    if (escaped === 0x75) {
      if (!isHex(bytes[at + 2]) || !isHex(bytes[at + 3]) || !isHex(bytes[at + 4]) || !isHex(bytes[at + 5]))
        return -1;
      position = at + 6;
    } else if (
      escaped === QUOTE ||
      escaped === BACKSLASH ||
      escaped === 0x2f ||
      escaped === 0x62 ||
      escaped === 0x66 ||
      escaped === 0x6e ||
      escaped === 0x72 ||
      escaped === 0x74
    ) {
      position = at + 2;
    } else {
      return -1;
    }
  }
}

function skipNumber(bytes: Buffer, position: number): number {
  if (bytes[position] === MINUS) position++;
  if (bytes[position] === ZERO) position++;
  else if (isDigit(bytes[position])) {
    do position++;
    while (isDigit(bytes[position]));
  } else return -1;
  if (bytes[position] === DOT) {
    position++;
    if (!isDigit(bytes[position])) return -1;
    do position++;
    while (isDigit(bytes[position]));
  }
  const exponent = bytes[position];
  if (exponent === 0x65 || exponent === 0x45) {
    position++;
    if (bytes[position] === PLUS || bytes[position] === MINUS) position++;
    if (!isDigit(bytes[position])) return -1;
    do position++;
    while (isDigit(bytes[position]));
  }
  return position;
}

function skipLiteral(bytes: Buffer, position: number, literal: string): number {
  for (let index = 0; index < literal.length; index++) {
    if (bytes[position + index] !== literal.charCodeAt(index)) return -1;
  }
  return position + literal.length;
}

/** After `{` and whitespace: a member's key, colon and the whitespace before its value; -1 if malformed. */
function skipKey(scanner: Scanner, position: number): number {
  const bytes = scanner.bytes;
  if (bytes[position] !== QUOTE) return -1;
  position = skipString(scanner, position + 1);
  if (position === -1) return -1;
  position = skipWhitespace(bytes, position);
  if (bytes[position] !== COLON) return -1;
  return skipWhitespace(bytes, position + 1);
}

const IN_OBJECT = 1;
const IN_ARRAY = 2;

/**
 * Skip one JSON value starting at `position` (no leading whitespace); the position after it, or
 * -1 when it is malformed. Nesting is kept on an explicit stack: no recursion, any depth.
 */
function skipValue(scanner: Scanner, position: number): number {
  const bytes = scanner.bytes;
  const stack: number[] = [];
  for (;;) {
    const byte = bytes[position];
    if (byte === QUOTE) {
      position = skipString(scanner, position + 1);
    } else if (byte === OPEN_BRACE) {
      position = skipWhitespace(bytes, position + 1);
      if (bytes[position] === CLOSE_BRACE) position++;
      else {
        stack.push(IN_OBJECT);
        position = skipKey(scanner, position);
        if (position === -1) return -1;
        continue;
      }
    } else if (byte === OPEN_BRACKET) {
      position = skipWhitespace(bytes, position + 1);
      if (bytes[position] === CLOSE_BRACKET) position++;
      else {
        stack.push(IN_ARRAY);
        continue;
      }
    } else if (byte === 0x74) {
      position = skipLiteral(bytes, position, "true");
    } else if (byte === 0x66) {
      position = skipLiteral(bytes, position, "false");
    } else if (byte === 0x6e) {
      position = skipLiteral(bytes, position, "null");
    } else {
      position = skipNumber(bytes, position);
    }
    if (position === -1) return -1;
    // After a value: close what ends here, or move to the next element or member.
    for (;;) {
      const container = stack[stack.length - 1];
      if (container === undefined) return position;
      position = skipWhitespace(bytes, position);
      const next = bytes[position];
      if (next === COMMA) {
        position = skipWhitespace(bytes, position + 1);
        if (container === IN_OBJECT) {
          position = skipKey(scanner, position);
          if (position === -1) return -1;
        }
        break;
      }
      if (next !== (container === IN_OBJECT ? CLOSE_BRACE : CLOSE_BRACKET)) return -1;
      stack.pop();
      position++;
    }
  }
}

const NO_WORDS = new Int32Array(0);

function createScanner(bytes: Buffer): Scanner {
  const offset = bytes.byteOffset;
  const wordsFrom = (4 - (offset & 3)) & 3;
  const wordCount = bytes.length > wordsFrom ? (bytes.length - wordsFrom) >> 2 : 0;
  return {
    bytes,
    words: wordCount === 0 ? NO_WORDS : new Int32Array(bytes.buffer, offset + wordsFrom, wordCount),
    wordsFrom,
    sawEscape: false,
  };
}

/** Whether the key in `[start, end)` (between its quotes) is `key`. */
function keyEquals(bytes: Buffer, start: number, end: number, escaped: boolean, key: string): boolean {
  if (escaped) {
    const parsed = safeParseJson(bytes.toString("utf8", start - 1, end + 1));
    return parsed.ok && parsed.value === key;
  }
  if (end - start !== key.length) return false;
  for (let index = 0; index < key.length; index++) {
    if (bytes[start + index] !== key.charCodeAt(index)) return false;
  }
  return true;
}

const START = 0;
const MEMBER = 1;
const END = 2;
const VALID = 3;
const INVALID = 4;

/**
 * The scan as a resumable walk over the top-level members: `until` stops as soon as one key has
 * been seen (a body that names its model first costs a few bytes to route), `complete` walks the
 * rest, validating it. Spans reflect what has been walked so far.
 */
export class TopLevelScan {
  readonly spans: (FieldSpan | undefined)[];
  private readonly scanner: Scanner;
  private readonly keys: readonly string[];
  private position = 0;
  private state = START;

  constructor(bytes: Buffer, keys: readonly string[]) {
    this.scanner = createScanner(bytes);
    this.keys = keys;
    this.spans = keys.map(() => undefined);
  }

  /** Whether the walk has reached the end (`valid` tells how it ended). */
  get done(): boolean {
    return this.state === VALID || this.state === INVALID;
  }

  /** Whether the whole input was walked and is one JSON object. */
  get valid(): boolean {
    return this.state === VALID;
  }

  /**
   * Walk until the key at `index` has been seen once or the input ends; false when what was
   * walked is not JSON. A later duplicate of the key is only seen by `complete`.
   */
  until(index: number): boolean {
    while (!this.done && this.spans[index] === undefined) this.step();
    return this.state !== INVALID;
  }

  /** Walk to the end: the spans, or `undefined` when the input is not one JSON object. */
  complete(): (FieldSpan | undefined)[] | undefined {
    while (!this.done) this.step();
    return this.state === VALID ? this.spans : undefined;
  }

  private step(): void {
    const { scanner } = this;
    const bytes = scanner.bytes;
    let position = this.position;
    if (this.state === START) {
      position = skipWhitespace(bytes, position);
      if (bytes[position] !== OPEN_BRACE) {
        this.state = INVALID;
        return;
      }
      position = skipWhitespace(bytes, position + 1);
      if (bytes[position] === CLOSE_BRACE) {
        this.position = position + 1;
        this.state = END;
      } else {
        this.position = position;
        this.state = MEMBER;
      }
      return;
    }
    if (this.state === END) {
      this.state = skipWhitespace(bytes, position) === bytes.length ? VALID : INVALID;
      return;
    }
    if (bytes[position] !== QUOTE) {
      this.state = INVALID;
      return;
    }
    const keyStart = position + 1;
    position = skipString(scanner, keyStart);
    if (position === -1) {
      this.state = INVALID;
      return;
    }
    const keyEnd = position - 1;
    const escapedKey = scanner.sawEscape;
    position = skipWhitespace(bytes, position);
    if (bytes[position] !== COLON) {
      this.state = INVALID;
      return;
    }
    const start = skipWhitespace(bytes, position + 1);
    position = skipValue(scanner, start);
    if (position === -1) {
      this.state = INVALID;
      return;
    }
    const keys = this.keys;
    for (let index = 0; index < keys.length; index++) {
      if (keyEquals(bytes, keyStart, keyEnd, escapedKey, keys[index]!)) {
        this.spans[index] = { start, end: position, count: (this.spans[index]?.count ?? 0) + 1, escapedKey };
        break;
      }
    }
    position = skipWhitespace(bytes, position);
    const next = bytes[position];
    if (next === COMMA) {
      this.position = skipWhitespace(bytes, position + 1);
    } else if (next === CLOSE_BRACE) {
      this.position = position + 1;
      this.state = END;
    } else {
      this.state = INVALID;
    }
  }
}

/**
 * Validate `bytes` as one JSON object and find the values of the top-level members named in
 * `keys` (ASCII names). Returns one entry per key (`undefined` where the key is absent), or
 * `undefined` when the bytes are not a JSON object (parse them in full for the reason).
 */
export function scanTopLevelFields(
  bytes: Buffer,
  keys: readonly string[],
): (FieldSpan | undefined)[] | undefined {
  return new TopLevelScan(bytes, keys).complete();
}
