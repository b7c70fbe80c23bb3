import type { Part } from "../model/parts.js";
import { assertNever } from "../model/protocol.js";
import type { CanonicalRequest, ToolDefinition } from "../model/request.js";
import { estimateTokenCost } from "./estimate.js";
import type { TokenCounter } from "./token-counter.js";

/**
 * Fixed costs added to the text of a prompt. They are the same for the estimate and the
 * exact count, so the two differ only where the text does.
 */
export const REQUEST_TOKEN_COSTS = {
  /** Reply priming every chat format adds once (`<|im_start|>assistant`). */
  request: 3,
  /** Role and delimiters around each message; a non-empty leading system prompt is one message. */
  message: 3,
  /** The wrapper a provider renders around each tool definition (name, description, schema). */
  tool: 8,
  /** Id and framing of one tool call. */
  toolCall: 3,
  /** Id and framing of one tool result. */
  toolResult: 3,
  /**
   * One image, whatever its size: Anthropic's cost for a ~1.15 megapixel image (w*h/750).
   * OpenAI high detail charges 765 for 1024x1024, Gemini 258: leaning high keeps
   * context-window checks safe.
   */
  image: 1600,
  /** One image sent with detail "low" (OpenAI's fixed cost). */
  lowDetailImage: 85,
  /**
   * One non-image file (PDF or other document): a dense PDF page at Anthropic's rate
   * (1,500-3,000 per page). Files are not opened, so a long document costs far more.
   */
  file: 3000,
} as const;

/** Prompts longer than this many characters are counted exactly on a proportional sample. */
export const DEFAULT_MAX_EXACT_CHARS = 262_144;

/** Below this many sampled characters a text borrows the whole prompt's exact/estimate ratio. */
const MIN_OWN_RATIO_CHARS = 2048;

export interface RequestTexts {
  /** Every text the prompt carries, in order; empty strings are left out. */
  texts: string[];
  /** Framing, images and files (REQUEST_TOKEN_COSTS). */
  fixedTokens: number;
  /** Total length of `texts` in UTF-16 code units. */
  chars: number;
}

export interface CountOptions {
  /** Characters counted exactly before sampling takes over (default DEFAULT_MAX_EXACT_CHARS). */
  maxExactChars?: number;
}

function addText(collected: RequestTexts, text: string): void {
  if (text === "") return;
  collected.texts.push(text);
  collected.chars += text.length;
}

function addPart(collected: RequestTexts, part: Part): void {
  switch (part.type) {
    case "text":
      addText(collected, part.text);
      break;
    case "image":
      collected.fixedTokens +=
        part.detail === "low" ? REQUEST_TOKEN_COSTS.lowDetailImage : REQUEST_TOKEN_COSTS.image;
      break;
    case "file": {
      const isImage =
        part.source.kind === "base64" && part.source.mediaType.toLowerCase().startsWith("image/");
      collected.fixedTokens += isImage ? REQUEST_TOKEN_COSTS.image : REQUEST_TOKEN_COSTS.file;
      break;
    }
    case "thinking":
      // The signature and redacted data are opaque provider artifacts, not prompt text.
      addText(collected, part.text);
      break;
    case "tool-call":
      collected.fixedTokens += REQUEST_TOKEN_COSTS.toolCall;
      addText(collected, part.name);
      addText(collected, part.arguments);
      break;
    case "tool-result":
      collected.fixedTokens += REQUEST_TOKEN_COSTS.toolResult;
      for (const content of part.content) addPart(collected, content);
      break;
    default:
      assertNever(part, "part");
  }
}

function addTool(collected: RequestTexts, tool: ToolDefinition): void {
  collected.fixedTokens += REQUEST_TOKEN_COSTS.tool;
  addText(collected, tool.name);
  switch (tool.kind) {
    case "function":
      addText(collected, tool.description ?? "");
      addText(collected, JSON.stringify(tool.parameters));
      break;
    case "custom":
      addText(collected, tool.description ?? "");
      if (tool.format !== undefined) addText(collected, JSON.stringify(tool.format));
      break;
    case "server":
      if (Object.keys(tool.config).length > 0) addText(collected, JSON.stringify(tool.config));
      break;
    default:
      assertNever(tool, "tool definition");
  }
}

/**
 * Everything in a request that reaches the model's context: system text; per message its
 * text, thinking text, tool call names and arguments, tool results (their text, images and
 * files); tool definitions (name, description, JSON schema text); a JSON output schema.
 * Not counted: the model name, sampling settings, ids, signatures, `extensions`.
 */
export function collectRequestTexts(request: CanonicalRequest): RequestTexts {
  const collected: RequestTexts = { texts: [], fixedTokens: REQUEST_TOKEN_COSTS.request, chars: 0 };
  if (request.system.length > 0) collected.fixedTokens += REQUEST_TOKEN_COSTS.message;
  for (const part of request.system) addText(collected, part.text);
  for (const message of request.messages) {
    collected.fixedTokens += REQUEST_TOKEN_COSTS.message;
    for (const part of message.content) addPart(collected, part);
  }
  for (const tool of request.tools) addTool(collected, tool);
  const output = request.output;
  if (output?.type === "json-schema") {
    addText(collected, output.name ?? "");
    addText(collected, output.description ?? "");
    addText(collected, JSON.stringify(output.schema));
  }
  return collected;
}

/** The estimate over collected texts (rounded once, at the end). */
export function sumEstimatedTokens(collected: RequestTexts): number {
  let total = collected.fixedTokens;
  for (const text of collected.texts) total += estimateTokenCost(text);
  return Math.round(total);
}

/** Pieces a sample is spread over, and the smallest piece worth its own counter call. */
const MAX_SAMPLE_PIECES = 16;
const MIN_SAMPLE_PIECE = 512;

/** `index` moved forward past a low surrogate, so a slice never splits a pair. */
function atCharStart(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code < 0xe000 ? index + 1 : index;
}

/** `index` moved to just after the next whitespace within 32 code units, if any (a word boundary). */
function atWordStart(text: string, index: number): number {
  const limit = Math.min(text.length, index + 32);
  for (let at = index; at < limit; at++) {
    const code = text.charCodeAt(at);
    if (code === 32 || code === 10) return at + 1;
  }
  return atCharStart(text, index);
}

/** `index` moved back to the last whitespace within 32 code units after `floor`, if any. */
function atWordEnd(text: string, index: number, floor: number): number {
  if (index >= text.length) return text.length;
  for (let at = index - 1; at > floor && at >= index - 32; at--) {
    const code = text.charCodeAt(at);
    if (code === 32 || code === 10) return at;
  }
  return atCharStart(text, index);
}

/**
 * At most `length` code units of `text` (give or take a surrogate half) in up to 16
 * pieces spread evenly over it, cut at word boundaries where one is near, so the sample
 * sees the whole text and not only its opening (a doc comment before the code, a
 * greeting before the data).
 */
function sampleOf(text: string, length: number): string[] {
  const pieces = Math.max(1, Math.min(MAX_SAMPLE_PIECES, Math.floor(length / MIN_SAMPLE_PIECE)));
  const pieceLength = Math.ceil(length / pieces);
  const stride = text.length / pieces;
  const sample: string[] = [];
  for (let piece = 0; piece < pieces; piece++) {
    const start = piece === 0 ? 0 : atWordStart(text, Math.floor(piece * stride));
    const end = atWordEnd(text, start + pieceLength, start);
    if (end > start) sample.push(text.slice(start, end));
  }
  return sample;
}

/**
 * The exact count over collected texts. When they hold more than `maxExactChars`
 * characters, the same share of every text is counted exactly (pieces spread over it) and
 * the rest is extrapolated: the estimate of the rest times the exact/estimate ratio of the
 * text's sample (of the whole sample when the text's own is short), so the cost stays
 * bounded and the result lands within a few percent of a full count.
 */
export function sumCountedTokens(
  collected: RequestTexts,
  counter: TokenCounter,
  maxExactChars = DEFAULT_MAX_EXACT_CHARS,
): number {
  let total = collected.fixedTokens;
  if (collected.chars <= maxExactChars) {
    for (const text of collected.texts) total += counter.count(text);
    return total;
  }
  const share = Math.max(0, maxExactChars) / collected.chars;
  let sampleExact = 0;
  let sampleEstimate = 0;
  let shortRests = 0;
  for (const text of collected.texts) {
    const length = Math.max(1, Math.ceil(text.length * share));
    if (length >= text.length) {
      total += counter.count(text);
      continue;
    }
    let exact = 0;
    let estimate = 0;
    let sampled = 0;
    for (const piece of sampleOf(text, length)) {
      exact += counter.count(piece);
      estimate += estimateTokenCost(piece);
      sampled += piece.length;
    }
    total += exact;
    const restEstimate = Math.max(0, estimateTokenCost(text) - estimate);
    sampleExact += exact;
    sampleEstimate += estimate;
    if (sampled >= MIN_OWN_RATIO_CHARS && estimate > 0) total += (restEstimate * exact) / estimate;
    else shortRests += restEstimate;
  }
  const ratio = sampleEstimate > 0 ? sampleExact / sampleEstimate : 1;
  return Math.round(total + shortRests * ratio);
}

/** Prompts up to this many characters are always estimated in full. */
export const DEFAULT_ESTIMATE_SAMPLE_CHARS = 16_384;

/** Length of one sampled piece of a long prompt's first estimate. */
const ESTIMATE_PIECE = 128;

/**
 * The estimate taken on about `sampleChars` characters of the prompt: pieces of ~256
 * characters at an even stride through all its texts taken as one sequence (so short texts
 * are sampled as fairly as long ones, and a prompt that alternates prose and code is not
 * read at one phase of it), cut at word boundaries, their estimate scaled up by the length
 * of the whole. A 100 KB prompt costs ~0.1 ms instead of ~0.5-1 ms. Only a first look: a
 * passage of another kind between two pieces (Chinese inside English logs) is misjudged,
 * so callers take the full estimate near a threshold.
 */
export function sampleEstimatedTokens(
  collected: RequestTexts,
  sampleChars = DEFAULT_ESTIMATE_SAMPLE_CHARS,
): number {
  if (collected.chars <= sampleChars) return sumEstimatedTokens(collected);
  const stride = (collected.chars * ESTIMATE_PIECE) / sampleChars;
  let offset = 0;
  let next = stride / 2;
  let cost = 0;
  let sampled = 0;
  for (const text of collected.texts) {
    const end = offset + text.length;
    while (next < end) {
      const from = atWordStart(text, Math.floor(next - offset));
      const to = atWordEnd(text, from + ESTIMATE_PIECE, from);
      if (to > from) {
        cost += estimateTokenCost(text.slice(from, to));
        sampled += to - from;
      }
      next += stride;
    }
    offset = end;
  }
  if (sampled === 0) return sumEstimatedTokens(collected);
  return Math.round(collected.fixedTokens + (cost * collected.chars) / sampled);
}

/** The fast estimate of a request's prompt tokens (o200k_base), about 0.01 ms per KB of text. */
export function estimateRequestTokens(request: CanonicalRequest): number {
  return sumEstimatedTokens(collectRequestTexts(request));
}

/** The same walk, counted with an exact tokenizer (sampled beyond `maxExactChars`). */
export function countRequestTokens(
  request: CanonicalRequest,
  counter: TokenCounter,
  options: CountOptions = {},
): number {
  return sumCountedTokens(collectRequestTexts(request), counter, options.maxExactChars);
}
