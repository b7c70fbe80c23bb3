/**
 * A fast estimate of how many o200k_base tokens a text costs, without a tokenizer.
 *
 * One pass over the UTF-16 code units mimics o200k's pre-tokenizer (letter runs split at
 * a lower-to-upper case change, digit groups of three, punctuation runs, whitespace runs,
 * CJK runs) and charges each piece the average token count measured for pieces of its
 * kind and length. No allocation, no regular expression.
 *
 * Calibration (o200k_base via the `tiktoken` npm package, 2026-11-23): 2,350 training and
 * 940 held-out texts of 200-20,000 characters cut at random from English prose (licence
 * texts, the Rust book), Markdown READMEs, TypeScript, JavaScript, .d.ts, Python, JSON,
 * YAML cassettes, minified JS, Chinese/Japanese/Korean documentation, European, Cyrillic
 * and Greek prose (the Vim tutor translations), random base64, hex ids and mixes. Piece
 * costs were fitted on the training set (squared relative error plus the 90th
 * percentile); repeated punctuation, long whitespace, emoji and rare-CJK costs were set by
 * hand from direct measurements. Held-out error (estimate - exact) / exact:
 *   all 940 texts: median |error| 3.5 %, 90th percentile 10.7 %, 95th 14.2 %
 *   English prose -6..+5 %; Markdown -12..+9 %; code p90 |error| 6.5-8 % (ts, js, d.ts,
 *   py); JSON p90 8 %; YAML 7 %; minified JS 6 %; base64 -9..-4 %; hex ids +6..+8 %;
 *   Japanese -8..+12 %; Korean -6..+11 %; European languages p90 17 % and Cyrillic/Greek
 *   p90 19 % (o200k's vocabulary differs by language, a character class cannot tell).
 * Han characters lean high on purpose: o200k spends 0.64-1.0 tokens per character
 * depending on vocabulary (technical Chinese low, colloquial prose high). Charged 0.85,
 * technical Chinese documentation comes out -1..+21 % (median +9 %) and the Chinese
 * prose in __fixtures__/chinese.txt -15..+33 % per paragraph, +5 % over the file, where
 * chars/4 undercounts by 69 %: a context-window check must not undercount.
 * Cost: 0.008-0.011 ms per KB on this machine, 40-75 times less than tiktoken on the same
 * text. Long single-letter runs ("a" x 30,000) are overestimated, never under.
 */

// Character kinds. Letters come first so "is a letter" is one comparison.
const LOWER = 0;
const UPPER = 1;
const LATIN_LETTER = 2;
const GREEK_CYRILLIC_LETTER = 3;
const OTHER_LETTER = 4;
const DIGIT = 5;
const SPACE = 6;
const OTHER_SPACE = 7;
const NEWLINE = 8;
const PUNCT = 9;
const HAN = 10;
const KANA = 11;
const HANGUL = 12;
const CJK_PUNCT = 13;
const SYMBOL = 14;
const HIGH_SURROGATE = 15;

/** Token costs per piece, fitted as described above. */
const LOWER_WORD = 0.975;
const LOWER_WORD_SLOPE = 0.083; // per letter from the 7th to the 12th
const LONG_WORD_SLOPE = 0.5; // per letter beyond the 12th
const CAPITALIZED_WORD = 1.15;
const ALL_CAPS_WORD = 1.81;
const ALL_CAPS_SLOPE = 0.4; // per letter beyond the 8th
const GLUED_FRAGMENT = [0, 0.2, 0.46, 0.59]; // a 1-3 letter fragment glued to a digit or case change
const GLUED_DIGITS = 0.13;
const LATIN_LETTER_COST = 0.543;
const GREEK_CYRILLIC_WORD = 0.368;
const GREEK_CYRILLIC_LETTER_COST = 0.322;
const OTHER_SCRIPT_WORD = 0.3;
const OTHER_SCRIPT_LETTER_COST = 0.36;
const PUNCT_RUN = 1;
const PUNCT_SLOPE = 0.275; // per character beyond the 2nd
const REPEATED_PUNCT_RUN = 1.5;
const REPEATED_PUNCT_SLOPE = 1 / 32;
const LEAD_CHEAP = 0.071; // . ( _ , \ glued in front of a word
const LEAD_MEDIUM = 0.293; // - / = < ' [ % :
const LEAD_OTHER = 1;
const NEWLINE_RUN = 0.899;
const INDENT_RUN = 1.074;
const LONE_WHITESPACE = 0.937;
const LONG_WHITESPACE_SLOPE = 1 / 16; // per character beyond the 16th: "\n" x 100 is 7 tokens
const HAN_RUN = 0.45; // Han costs lean high on purpose (see above)
const HAN_CHAR = 0.85;
const CJK_PUNCT_COST = 0.45;
const CJK_MARGIN = 1.06;
const KANA_RUN = 0.082;
const KANA_CHAR = 0.618 * CJK_MARGIN;
const HANGUL_RUN = 0.406;
const HANGUL_CHAR = 0.568 * CJK_MARGIN;
const SYMBOL_COST = 0.518;
const ASTRAL_SYMBOL_COST = 1.5;
const ASTRAL_HAN_COST = 3;

function kindOfAscii(code: number): number {
  if (code >= 97 && code <= 122) return LOWER;
  if (code >= 65 && code <= 90) return UPPER;
  if (code >= 48 && code <= 57) return DIGIT;
  if (code === 32) return SPACE;
  if (code === 10 || code === 13) return NEWLINE;
  return code === 9 || code === 11 || code === 12 ? OTHER_SPACE : PUNCT;
}

function kindOfNonAscii(code: number): number {
  if (code < 0xc0) {
    if (code === 0xa0) return SPACE;
    return code === 0xaa || code === 0xb5 || code === 0xba ? LATIN_LETTER : PUNCT;
  }
  if (code < 0x370) return code === 0xd7 || code === 0xf7 ? PUNCT : LATIN_LETTER;
  if (code < 0x530) return GREEK_CYRILLIC_LETTER;
  if (code < 0x2000) {
    if (code >= 0x1100 && code < 0x1200) return HANGUL;
    if (code >= 0x1e00 && code < 0x1f00) return LATIN_LETTER;
    if (code >= 0x1f00) return GREEK_CYRILLIC_LETTER;
    if ((code >= 0x1ab0 && code < 0x1b00) || code >= 0x1dc0) return LATIN_LETTER;
    return OTHER_LETTER;
  }
  if (code < 0x2e80) {
    if (code === 0x2028 || code === 0x2029) return NEWLINE;
    if (code <= 0x200a || code === 0x202f || code === 0x205f) return SPACE;
    return code <= 0x200d ? LATIN_LETTER : SYMBOL;
  }
  if (code < 0x3000) return HAN;
  if (code < 0x3040) return code === 0x3000 ? SPACE : CJK_PUNCT;
  if (code < 0x3200) return code >= 0x3130 && code < 0x3190 ? HANGUL : KANA;
  if (code < 0x3400) return SYMBOL;
  if (code < 0xa000) return HAN;
  if (code < 0xac00) return OTHER_LETTER;
  if (code < 0xd800) return HANGUL;
  if (code < 0xdc00) return HIGH_SURROGATE;
  if (code < 0xf900) return SYMBOL;
  if (code < 0xfb00) return HAN;
  if (code < 0xfe00) return OTHER_LETTER;
  if (code < 0xfe10) return LATIN_LETTER;
  return code < 0xfff0 ? CJK_PUNCT : SYMBOL;
}

/** The kind of every UTF-16 code unit (64 KiB): one lookup per character in the hot loop. */
const KIND = new Uint8Array(0x10000);
for (let code = 0; code < 0x10000; code++) KIND[code] = code < 128 ? kindOfAscii(code) : kindOfNonAscii(code);

const LEAD_COST = new Float64Array(128).fill(LEAD_OTHER);
for (const char of ".(_,\\") LEAD_COST[char.charCodeAt(0)] = LEAD_CHEAP;
for (const char of "-/=<'[%:") LEAD_COST[char.charCodeAt(0)] = LEAD_MEDIUM;

function lowerWordCost(length: number): number {
  if (length <= 6) return LOWER_WORD;
  if (length <= 12) return LOWER_WORD + (length - 6) * LOWER_WORD_SLOPE;
  return LOWER_WORD + 6 * LOWER_WORD_SLOPE + (length - 12) * LONG_WORD_SLOPE;
}

const TABLE_SIZE = 64;
const LOWER_WORD_COST = Float64Array.from({ length: TABLE_SIZE }, (_, length) => lowerWordCost(length));

/** One piece of a letter run: ASCII by case shape, other scripts by length. */
function wordCost(length: number, script: number, startsUpper: boolean, endsUpper: boolean): number {
  if (script === LATIN_LETTER) return length * LATIN_LETTER_COST;
  if (script === GREEK_CYRILLIC_LETTER) return GREEK_CYRILLIC_WORD + length * GREEK_CYRILLIC_LETTER_COST;
  if (script === OTHER_LETTER) return OTHER_SCRIPT_WORD + length * OTHER_SCRIPT_LETTER_COST;
  if (!startsUpper) return length < TABLE_SIZE ? (LOWER_WORD_COST[length] as number) : lowerWordCost(length);
  if (!endsUpper || length === 1)
    return CAPITALIZED_WORD + (length > 12 ? (length - 12) * LONG_WORD_SLOPE : 0);
  return ALL_CAPS_WORD + (length > 8 ? (length - 8) * ALL_CAPS_SLOPE : 0);
}

/** A fractional token estimate; `estimateTokens` rounds it. Sum these when adding up many texts. */
export function estimateTokenCost(text: string): number {
  const length = text.length;
  let total = 0;
  let index = 0;
  let afterPunct = false;
  while (index < length) {
    const code = text.charCodeAt(index);
    const kind = KIND[code] as number;

    if (kind <= OTHER_LETTER) {
      // A letter run, cut where a lowercase letter is followed by an uppercase one (camelCase).
      let glued = index > 0 && KIND[text.charCodeAt(index - 1)] === DIGIT;
      let start = index;
      let script = LOWER;
      let startsUpper = kind === UPPER;
      let lastUpper = false;
      while (index < length) {
        const next = KIND[text.charCodeAt(index)] as number;
        if (next === LOWER) {
          lastUpper = false;
        } else if (next === UPPER) {
          if (!lastUpper && index > start) {
            const piece = index - start;
            total += wordCost(piece, script, startsUpper, false);
            if (glued && script === LOWER && piece <= 3) total += GLUED_FRAGMENT[piece] as number;
            glued = true;
            start = index;
            script = LOWER;
            startsUpper = true;
          }
          lastUpper = true;
        } else if (next <= OTHER_LETTER) {
          if (next > script) script = next;
          lastUpper = false;
        } else {
          break;
        }
        index++;
      }
      const piece = index - start;
      total += wordCost(piece, script, startsUpper, lastUpper);
      if (glued && script === LOWER && piece <= 3) total += GLUED_FRAGMENT[piece] as number;
      afterPunct = false;
      continue;
    }

    if (kind === SPACE) {
      // The common case: one space that joins the next word or punctuation.
      const after = index + 1 < length ? (KIND[text.charCodeAt(index + 1)] as number) : DIGIT;
      if (code === 32 && after !== DIGIT && (after < SPACE || after > NEWLINE)) {
        index++;
        afterPunct = false;
        continue;
      }
    }

    if (kind >= SPACE && kind <= NEWLINE) {
      const start = index;
      let lastNewline = -1;
      while (index < length) {
        const next = KIND[text.charCodeAt(index)] as number;
        if (next === NEWLINE) lastNewline = index;
        else if (next !== SPACE && next !== OTHER_SPACE) break;
        index++;
      }
      // Newlines right after punctuation join the punctuation's token.
      if (lastNewline >= 0 && !(afterPunct && KIND[text.charCodeAt(start)] === NEWLINE)) total += NEWLINE_RUN;
      if (index - start > 16) total += (index - start - 16) * LONG_WHITESPACE_SLOPE;
      const trailing = lastNewline >= 0 ? index - lastNewline - 1 : index - start;
      if (trailing > 0) {
        const next = index < length ? (KIND[text.charCodeAt(index)] as number) : DIGIT;
        if (index < length && next !== DIGIT && next !== NEWLINE && text.charCodeAt(index - 1) === 32) {
          if (trailing > 1) total += INDENT_RUN;
        } else {
          total += INDENT_RUN;
          if (trailing > 1 && index < length) total += LONE_WHITESPACE;
        }
      }
      afterPunct = false;
      continue;
    }

    if (kind === DIGIT) {
      if (index > 0 && (KIND[text.charCodeAt(index - 1)] as number) <= UPPER) total += GLUED_DIGITS;
      const start = index;
      while (index < length && KIND[text.charCodeAt(index)] === DIGIT) index++;
      total += Math.ceil((index - start) / 3);
      afterPunct = false;
      continue;
    }

    if (kind === PUNCT) {
      const start = index;
      let same = true;
      while (index < length) {
        const next = text.charCodeAt(index);
        if (KIND[next] !== PUNCT) break;
        if (next !== code) same = false;
        index++;
      }
      const run = index - start;
      afterPunct = true;
      if (same && run >= 4) {
        total += REPEATED_PUNCT_RUN + run * REPEATED_PUNCT_SLOPE;
        continue;
      }
      if (run === 1 && index < length && (start === 0 || text.charCodeAt(start - 1) !== 32)) {
        const next = KIND[text.charCodeAt(index)] as number;
        if (next <= OTHER_LETTER) {
          // One punctuation character glued in front of a word: ".com", "_name", "\"key".
          total += code < 128 ? (LEAD_COST[code] as number) : LEAD_OTHER;
          afterPunct = false;
          continue;
        }
        if (next === HAN || next === KANA || next === HANGUL) {
          afterPunct = false;
          continue;
        }
      }
      total += PUNCT_RUN + (run > 2 ? (run - 2) * PUNCT_SLOPE : 0);
      continue;
    }

    afterPunct = false;
    if (kind === HAN || kind === KANA || kind === HANGUL) {
      const start = index;
      while (index < length && KIND[text.charCodeAt(index)] === kind) index++;
      const run = index - start;
      if (kind === HAN) total += HAN_RUN + run * HAN_CHAR;
      else if (kind === KANA) total += KANA_RUN + run * KANA_CHAR;
      else total += HANGUL_RUN + run * HANGUL_CHAR;
      continue;
    }
    if (kind === HIGH_SURROGATE) {
      const low = index + 1 < length ? text.charCodeAt(index + 1) : 0;
      const paired = low >= 0xdc00 && low < 0xe000;
      const codePoint = paired ? (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000 : 0;
      total += codePoint >= 0x20000 ? ASTRAL_HAN_COST : ASTRAL_SYMBOL_COST;
      index += paired ? 2 : 1;
      continue;
    }
    total += kind === CJK_PUNCT ? CJK_PUNCT_COST : SYMBOL_COST;
    index++;
  }
  return total;
}

/** Estimated o200k_base tokens of `text` (see the calibration above). */
export function estimateTokens(text: string): number {
  return Math.round(estimateTokenCost(text));
}
