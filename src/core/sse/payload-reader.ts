import { type ParseResult, safeParseJson } from "../json/safe-parse.js";
import { isJsonObject, type JsonObject } from "../model/json.js";
import { JsonTemplate } from "./json-template.js";

/**
 * Payloads parsed before templates are learned: learning costs a few parses, which a short
 * stream would not win back.
 */
const PARSED_BEFORE_LEARNING = 8;
/** Templates kept per stream (the most recently used first). */
const MAX_TEMPLATES = 4;
/** Longer payloads are parsed, never templated: they are rarely repeated. */
const MAX_TEMPLATE_LENGTH = 4096;
/** Parsed payloads compared with earlier ones to find a layout, per stream. */
const MAX_LEARNING_ATTEMPTS = 64;
/** After this many payloads that shared a shape but not `JSON.stringify`'s layout, stop trying. */
const MAX_FAILED_TEMPLATES = 4;

/**
 * The JSON payloads of one upstream stream, read in order. A stream repeats a few layouts
 * (one text delta after another, differing only in the text, a counter or a sequence number):
 * after two consecutive parsed payloads of the same shape, that layout is kept as a
 * `JsonTemplate`, and later payloads that fit it are read by scanning only what differs.
 * Every result equals `JSON.parse` of the payload. Results share their unchanged parts with
 * each other, so they are read, never modified.
 */
export class PayloadReader {
  private readonly templates: JsonTemplate[] = [];
  /** The last payload that was parsed (an object, short enough): half of a future pair. */
  private previous: JsonObject | undefined;
  private parsed = 0;
  private attempts = 0;
  private failures = 0;

  read(text: string): ParseResult<unknown> {
    const templates = this.templates;
    for (let index = 0; index < templates.length; index++) {
      const template = templates[index]!;
      const value = template.read(text);
      if (value === undefined) continue;
      if (index > 0) {
        templates[index] = templates[0]!;
        templates[0] = template;
      }
      return { ok: true, value };
    }
    const parsed = safeParseJson(text);
    if (parsed.ok) this.learn(text, parsed.value);
    return parsed;
  }

  private learn(text: string, value: unknown): void {
    if (this.attempts >= MAX_LEARNING_ATTEMPTS || this.failures >= MAX_FAILED_TEMPLATES) return;
    const previous = this.previous;
    if (!isJsonObject(value) || text.length > MAX_TEMPLATE_LENGTH) {
      this.previous = undefined;
      return;
    }
    this.previous = value;
    if (++this.parsed <= PARSED_BEFORE_LEARNING) return;
    if (previous === undefined && this.templates.length === 0) return;
    this.attempts++;
    // A payload of a known shape that differs in more places widens that template.
    const templates = this.templates;
    for (let index = 0; index < templates.length; index++) {
      const widened = templates[index]!.widen(value, text);
      if (widened === "shape") continue;
      this.keep(widened, index);
      return;
    }
    if (previous !== undefined) {
      const template = JsonTemplate.learn(previous, value, text);
      if (template !== "shape") this.keep(template, templates.length);
    }
  }

  /** Put a new template first, in place of the one at `replaced` (if any, else the oldest). */
  private keep(template: JsonTemplate | undefined, replaced: number): void {
    if (template === undefined) {
      this.failures++;
      return;
    }
    this.previous = undefined;
    const templates = this.templates;
    if (replaced < templates.length) templates.splice(replaced, 1);
    templates.unshift(template);
    if (templates.length > MAX_TEMPLATES) templates.pop();
  }
}
