import { createRequire } from "node:module";
import type { Tiktoken } from "tiktoken";
import { estimateTokenCost } from "../../core/tokenizer/estimate.js";
import type { TokenCounter } from "../../core/tokenizer/token-counter.js";

/**
 * A run of one character class longer than this is cut before encoding. o200k's
 * pre-tokenizer keeps a run of letters, of whitespace or of punctuation as one piece, and
 * its BPE is quadratic in a piece's length: "a" x 30,000 takes 1.5 s, "中" x 8,000 0.7 s.
 * Cut at 64, the worst case measured here is about 0.6 us per character ("中" x 60,000),
 * no slower than ordinary Chinese text; real text rarely has a run this long, so counts
 * stay exact (a cut can shift a count by a token).
 */
export const DEFAULT_MAX_RUN_CHARS = 64;

/** Characters encoded per call; beyond, the rest is extrapolated from the counted part. */
export const DEFAULT_MAX_COUNTED_CHARS = 262_144;

export interface TiktokenCounterOptions {
  /** Cut runs of one character class longer than this (default DEFAULT_MAX_RUN_CHARS). */
  maxRunChars?: number;
  /** Encode at most this many characters per call (default DEFAULT_MAX_COUNTED_CHARS). */
  maxChars?: number;
}

const LETTER = 1;
const SPACE = 2;
const NUMBER = 3;
const OTHER = 4;
const SURROGATE = 5;

const require = createRequire(import.meta.url);
let tiktokenModule: typeof import("tiktoken") | undefined;
let classTable: Uint8Array | undefined;
const astralClasses = new Map<number, number>();

const LETTER_PATTERN = /[\p{L}\p{M}]/u;
const SPACE_PATTERN = /\s/u;
const NUMBER_PATTERN = /\p{N}/u;

function classify(char: string): number {
  if (LETTER_PATTERN.test(char)) return LETTER;
  // "/" joins whitespace: o200k glues punctuation to any following run of "\r", "\n" and "/".
  if (SPACE_PATTERN.test(char) || char === "/") return SPACE;
  return NUMBER_PATTERN.test(char) ? NUMBER : OTHER;
}

/** The class of every BMP code unit, built once (about 65k regex tests). */
function loadClassTable(): Uint8Array {
  if (classTable !== undefined) return classTable;
  const table = new Uint8Array(0x10000);
  for (let code = 0; code < 0x10000; code++) {
    table[code] = code >= 0xd800 && code < 0xe000 ? SURROGATE : classify(String.fromCharCode(code));
  }
  classTable = table;
  return table;
}

function classifyAstral(codePoint: number): number {
  let known = astralClasses.get(codePoint);
  if (known === undefined) {
    known = classify(String.fromCodePoint(codePoint));
    if (astralClasses.size < 4096) astralClasses.set(codePoint, known);
  }
  return known;
}

/** Where to cut `text` so no run of one class (letters, whitespace, punctuation) exceeds `maxRun`. */
function findCuts(text: string, table: Uint8Array, maxRun: number): number[] {
  const cuts: number[] = [];
  let runClass = 0;
  let runStart = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    let kind = table[code] as number;
    if (kind === SURROGATE) {
      if (code >= 0xdc00) continue; // the second half of a pair already classified
      const codePoint = text.codePointAt(index) ?? code;
      kind = codePoint > 0xffff ? classifyAstral(codePoint) : OTHER;
    }
    if (kind !== runClass || kind === NUMBER) {
      runClass = kind;
      runStart = index;
    } else if (index - runStart >= maxRun) {
      cuts.push(index);
      runStart = index;
    }
  }
  return cuts;
}

/** A prefix of about `length` code units that does not split a surrogate pair. */
function headOf(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code < 0xdc00 ? length + 1 : length);
}

/**
 * The exact TokenCounter: tiktoken's o200k_base (Rust compiled to WASM), loaded on first
 * use (0.2-0.8 s here, 5.6 MB of WASM), with bounded cost on any input: long single-class
 * runs are cut, and beyond `maxChars` the rest of a text is extrapolated (estimate of the
 * rest times the exact/estimate ratio of the counted head). Call `free()` at shutdown; a
 * count after `free()` loads the encoder again.
 */
export class TiktokenCounter implements TokenCounter {
  readonly #maxRunChars: number;
  readonly #maxChars: number;
  #encoder: Tiktoken | undefined;

  constructor(options: TiktokenCounterOptions = {}) {
    this.#maxRunChars = Math.max(1, options.maxRunChars ?? DEFAULT_MAX_RUN_CHARS);
    this.#maxChars = Math.max(1, options.maxChars ?? DEFAULT_MAX_COUNTED_CHARS);
  }

  /** Load the encoder now (e.g. at start-up) rather than on the first count. */
  load(): void {
    this.#loaded();
  }

  count(text: string): number {
    if (text === "") return 0;
    const encoder = this.#loaded();
    if (text.length <= this.#maxChars) return this.#countBounded(encoder, text);
    const head = headOf(text, this.#maxChars);
    const exact = this.#countBounded(encoder, head);
    const headEstimate = estimateTokenCost(head);
    const restEstimate = estimateTokenCost(text.slice(head.length));
    return exact + Math.round(headEstimate > 0 ? (restEstimate * exact) / headEstimate : restEstimate);
  }

  /** Release the WASM encoder's memory. */
  free(): void {
    this.#encoder?.free();
    this.#encoder = undefined;
  }

  #loaded(): Tiktoken {
    if (this.#encoder === undefined) {
      tiktokenModule ??= require("tiktoken") as typeof import("tiktoken");
      this.#encoder = tiktokenModule.get_encoding("o200k_base");
      loadClassTable();
    }
    return this.#encoder;
  }

  #countBounded(encoder: Tiktoken, text: string): number {
    const cuts = findCuts(text, loadClassTable(), this.#maxRunChars);
    if (cuts.length === 0) return encoder.encode_ordinary(text).length;
    let total = 0;
    let start = 0;
    for (const cut of cuts) {
      total += encoder.encode_ordinary(text.slice(start, cut)).length;
      start = cut;
    }
    return total + encoder.encode_ordinary(text.slice(start)).length;
  }
}

export function createTiktokenCounter(options: TiktokenCounterOptions = {}): TiktokenCounter {
  return new TiktokenCounter(options);
}
