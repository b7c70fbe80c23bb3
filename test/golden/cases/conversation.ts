import { expect } from "vitest";
import { partsOf } from "../support/conversation-view.js";
import type { RequestCase } from "../support/request-case.js";
import { readRequestFields, warningCodes } from "../support/request-fields.js";

const SYSTEM = "You are a terse assistant.";

/** A system prompt, three turns of history, max tokens and stop sequences, streaming. */
export const textHistory: RequestCase = {
  name: "text-history",
  summary: "system prompt + user/assistant/user history, max tokens, stop sequences, streaming",
  inputs: {
    "openai-chat": {
      body: {
        model: "client-model",
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 512,
        stop: ["END"],
        messages: [
          { role: "system", content: SYSTEM },
          { role: "user", content: "Hi, I am Ada." },
          { role: "assistant", content: "Hello Ada. How can I help?" },
          { role: "user", content: "What is my name?" },
        ],
      },
    },
    "openai-responses": {
      body: {
        model: "client-model",
        stream: true,
        max_output_tokens: 512,
        instructions: SYSTEM,
        input: [
          { role: "user", content: "Hi, I am Ada." },
          {
            type: "message",
            role: "assistant",
            content: [{ type: "output_text", text: "Hello Ada. How can I help?", annotations: [] }],
          },
          { role: "user", content: [{ type: "input_text", text: "What is my name?" }] },
        ],
      },
    },
    anthropic: {
      body: {
        model: "client-model",
        stream: true,
        max_tokens: 512,
        stop_sequences: ["END"],
        system: SYSTEM,
        messages: [
          { role: "user", content: "Hi, I am Ada." },
          { role: "assistant", content: [{ type: "text", text: "Hello Ada. How can I help?" }] },
          { role: "user", content: [{ type: "text", text: "What is my name?" }] },
        ],
      },
    },
    gemini: {
      info: { model: "client-model", stream: true },
      body: {
        systemInstruction: { parts: [{ text: SYSTEM }] },
        contents: [
          { role: "user", parts: [{ text: "Hi, I am Ada." }] },
          { role: "model", parts: [{ text: "Hello Ada. How can I help?" }] },
          { role: "user", parts: [{ text: "What is my name?" }] },
        ],
        generationConfig: { maxOutputTokens: 512, stopSequences: ["END"] },
      },
    },
  },
  check({ from, to, body, warnings, target }) {
    expect(target.turns.map((turn) => turn.role)).toEqual(["user", "assistant", "user"]);
    const fields = readRequestFields(to, body);
    expect(fields.maxTokens).toBe(512);
    // Responses has no stop sequences: a client's stop is dropped with a warning.
    if (to === "openai-responses") {
      if (from !== "openai-responses") expect(warningCodes(warnings)).toContain("sampling_dropped");
    } else if (from !== "openai-responses") expect(fields.stop).toEqual(["END"]);
    if (to === "openai-chat") expect(body.stream_options).toEqual({ include_usage: true });
    if (to === "gemini") expect(body.stream, "Gemini streams by URL, not by body").toBeUndefined();
    else expect(body.stream).toBe(true);
  },
};

const MID = "The user prefers TypeScript.";

/** A system message after the conversation started (Claude Code sends them). Gemini clients cannot write one. */
export const midConversationSystem: RequestCase = {
  name: "mid-conversation-system",
  summary:
    "a system message between turns stays in place (Gemini: prefixed user text); no Gemini row: Gemini has no system role after systemInstruction",
  inputs: {
    "openai-chat": {
      body: {
        model: "client-model",
        messages: [
          { role: "system", content: "You are a coding agent." },
          { role: "user", content: "Fix the bug in main.ts." },
          { role: "assistant", content: "I will look at main.ts." },
          { role: "system", content: MID },
          { role: "user", content: "Go ahead." },
        ],
      },
    },
    "openai-responses": {
      body: {
        model: "client-model",
        instructions: "You are a coding agent.",
        input: [
          { role: "user", content: "Fix the bug in main.ts." },
          { role: "assistant", content: "I will look at main.ts." },
          { type: "message", role: "system", content: MID },
          { role: "user", content: "Go ahead." },
        ],
      },
    },
    anthropic: {
      body: {
        model: "client-model",
        max_tokens: 1024,
        system: [{ type: "text", text: "You are a coding agent." }],
        messages: [
          { role: "user", content: "Fix the bug in main.ts." },
          { role: "assistant", content: "I will look at main.ts." },
          { role: "system", content: MID },
          { role: "user", content: "Go ahead." },
        ],
      },
    },
  },
  check({ to, body, target }) {
    // Only the leading system prompt is hoisted; the later one keeps its place.
    expect(target.system).toEqual(["You are a coding agent."]);
    const texts = partsOf(target, "text").map((part) => part.text);
    const at = texts.findIndex((text) => text.includes(MID));
    expect(texts.slice(0, at)).toEqual(["Fix the bug in main.ts.", "I will look at main.ts."]);
    expect(texts.slice(at + 1)).toEqual(["Go ahead."]);
    if (to === "gemini") {
      expect(JSON.stringify(body.systemInstruction)).not.toContain(MID);
      expect(texts[at]).toBe(`System: ${MID}`);
    }
  },
};

const SAMPLING_PROMPT = "Write a haiku about the sea.";
/**
 * temperature + top_p, as OpenAI clients often send them, to upstream models with rules about
 * them: o4-mini (both OpenAI upstreams) rejects sampling parameters, Claude Sonnet 4.5 rejects
 * the two together, Gemini takes both.
 */
export const samplingModelRules: RequestCase = {
  name: "sampling-model-rules",
  summary:
    "temperature 0.3 + top_p 0.9 to models with rules: o4-mini (OpenAI upstreams) rejects both, claude-sonnet-4-5 rejects the pair, Gemini takes both",
  targets: { "openai-chat": "o4-mini", "openai-responses": "o4-mini" },
  inputs: {
    "openai-chat": {
      body: {
        model: "client-model",
        temperature: 0.3,
        top_p: 0.9,
        messages: [{ role: "user", content: SAMPLING_PROMPT }],
      },
    },
    "openai-responses": {
      body: { model: "client-model", temperature: 0.3, top_p: 0.9, input: SAMPLING_PROMPT },
    },
    anthropic: {
      body: {
        model: "client-model",
        max_tokens: 256,
        temperature: 0.3,
        top_p: 0.9,
        messages: [{ role: "user", content: SAMPLING_PROMPT }],
      },
    },
    gemini: {
      info: { model: "client-model" },
      body: {
        contents: [{ role: "user", parts: [{ text: SAMPLING_PROMPT }] }],
        generationConfig: { temperature: 0.3, topP: 0.9 },
      },
    },
  },
  check({ to, body, warnings }) {
    if (to === "openai-chat" || to === "openai-responses") {
      // o4-mini rejects sampling parameters: dropped, and said so.
      expect(body.temperature, "no temperature for o4-mini").toBeUndefined();
      expect(body.top_p, "no top_p for o4-mini").toBeUndefined();
      expect(warningCodes(warnings)).toContain("sampling_dropped");
    }
    if (to === "anthropic") {
      // Claude Sonnet 4.5 and Opus 4.1+ reject the pair: temperature kept, top_p dropped, and said so.
      expect(body.temperature).toBe(0.3);
      expect(body.top_p, "not both to claude-sonnet-4-5").toBeUndefined();
      expect(warningCodes(warnings)).toContain("top_p_dropped");
    }
    if (to === "gemini") expect(body.generationConfig).toMatchObject({ temperature: 0.3, topP: 0.9 });
  },
};
