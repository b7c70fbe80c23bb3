import { expect } from "vitest";
import { REASONING_TARGETS, type RequestCase } from "../support/request-case.js";
import { readRequestFields, warningCodes } from "../support/request-fields.js";

const PROOF = "Prove that the square root of 2 is irrational.";

/** An effort level, each protocol's way (Anthropic: adaptive thinking with output_config.effort). */
export const reasoningEffort: RequestCase = {
  name: "reasoning-effort",
  summary:
    "reasoning effort high: reasoning_effort, reasoning.effort, adaptive thinking + output_config.effort, thinkingLevel",
  targets: REASONING_TARGETS,
  inputs: {
    "openai-chat": {
      body: { model: "client-model", reasoning_effort: "high", messages: [{ role: "user", content: PROOF }] },
    },
    "openai-responses": { body: { model: "client-model", reasoning: { effort: "high" }, input: PROOF } },
    anthropic: {
      body: {
        model: "client-model",
        max_tokens: 32000,
        thinking: { type: "adaptive" },
        output_config: { effort: "high" },
        messages: [{ role: "user", content: PROOF }],
      },
    },
    gemini: {
      info: { model: "client-model" },
      body: {
        contents: [{ role: "user", parts: [{ text: PROOF }] }],
        generationConfig: { thinkingConfig: { thinkingLevel: "HIGH" } },
      },
    },
  },
  check({ from, to, body }) {
    const fields = readRequestFields(to, body);
    expect(fields.thinkingDisabled).toBeUndefined();
    if (to === "openai-chat" || to === "openai-responses") expect(fields.effort).toBe("high");
    if (to === "gemini") expect(fields.effort).toBe("HIGH");
    if (to === "anthropic") {
      // High effort: adaptive thinking at effort high, or the shared table's budget for "high".
      if (from === "anthropic") expect(body.thinking).toEqual({ type: "adaptive" });
      expect(fields.effort === "high" || fields.budget === 24576, JSON.stringify(body.thinking)).toBe(true);
    }
  },
};

/** A thinking budget. Chat and Responses clients have no budget field: no rows for them. */
export const reasoningBudget: RequestCase = {
  name: "reasoning-budget",
  summary:
    "a thinking budget of 6000 tokens (Anthropic budget_tokens, Gemini thinkingBudget); no Chat/Responses rows: they cannot say a budget",
  targets: { "openai-chat": "o4-mini" },
  inputs: {
    anthropic: {
      body: {
        model: "client-model",
        max_tokens: 16000,
        thinking: { type: "enabled", budget_tokens: 6000 },
        messages: [{ role: "user", content: PROOF }],
      },
    },
    gemini: {
      info: { model: "client-model" },
      body: {
        contents: [{ role: "user", parts: [{ text: PROOF }] }],
        generationConfig: {
          maxOutputTokens: 16000,
          thinkingConfig: { thinkingBudget: 6000, includeThoughts: true },
        },
      },
    },
  },
  check({ to, body }) {
    const fields = readRequestFields(to, body);
    expect(fields.maxTokens).toBe(16000);
    // 6000 tokens is above the "low" budget (2048) and within "medium" (8192) in the shared table.
    if (to === "openai-chat" || to === "openai-responses") expect(fields.effort).toBe("medium");
    else expect(fields.budget).toBe(6000);
  },
};

/** Reasoning switched off explicitly. */
export const reasoningDisabled: RequestCase = {
  name: "reasoning-disabled",
  summary:
    "reasoning switched off: reasoning_effort none, reasoning.effort none, thinking disabled, thinkingBudget 0",
  targets: { "openai-chat": "gpt-5.1", gemini: "gemini-2.5-flash" },
  inputs: {
    "openai-chat": {
      body: { model: "client-model", reasoning_effort: "none", messages: [{ role: "user", content: PROOF }] },
    },
    "openai-responses": { body: { model: "client-model", reasoning: { effort: "none" }, input: PROOF } },
    anthropic: {
      body: {
        model: "client-model",
        max_tokens: 4096,
        thinking: { type: "disabled" },
        messages: [{ role: "user", content: PROOF }],
      },
    },
    gemini: {
      info: { model: "client-model" },
      body: {
        contents: [{ role: "user", parts: [{ text: PROOF }] }],
        generationConfig: { thinkingConfig: { thinkingBudget: 0 } },
      },
    },
  },
  check({ from, to, body, warnings }) {
    const fields = readRequestFields(to, body);
    expect(fields.effort, "never an effort with thinking off").toBeUndefined();
    expect(fields.budget).toBeUndefined();
    // Responses turns reasoning off only with effort "none"; a plain "disabled" cannot say that and is reported.
    if (to === "openai-responses" && from !== "openai-chat" && from !== "openai-responses") {
      expect(warningCodes(warnings)).toContain("reasoning_disable_unsupported");
    } else expect(fields.thinkingDisabled, `${to} is told to not think`).toBe(true);
  },
};
