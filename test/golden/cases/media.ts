import { expect } from "vitest";
import { partsOf } from "../support/conversation-view.js";
import { JPEG_BASE64, PNG_BASE64, type RequestCase } from "../support/request-case.js";

const URL = "https://example.com/cat.png";
const PNG_DATA_URL = `data:image/png;base64,${PNG_BASE64}`;
const JPEG_DATA_URL = `data:image/jpeg;base64,${JPEG_BASE64}`;

/** A URL image, a base64 PNG and a base64 JPEG (as `data:` URLs where the protocol uses URLs). */
export const images: RequestCase = {
  name: "images",
  summary: "user images: a URL, base64 PNG and JPEG (data: URLs for Chat and Responses clients)",
  inputs: {
    "openai-chat": {
      body: {
        model: "client-model",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Compare these images." },
              { type: "image_url", image_url: { url: URL } },
              { type: "image_url", image_url: { url: PNG_DATA_URL } },
              { type: "image_url", image_url: { url: JPEG_DATA_URL, detail: "low" } },
            ],
          },
        ],
      },
    },
    "openai-responses": {
      body: {
        model: "client-model",
        input: [
          {
            role: "user",
            content: [
              { type: "input_text", text: "Compare these images." },
              { type: "input_image", image_url: URL },
              { type: "input_image", image_url: PNG_DATA_URL },
              { type: "input_image", image_url: JPEG_DATA_URL, detail: "low" },
            ],
          },
        ],
      },
    },
    anthropic: {
      body: {
        model: "client-model",
        max_tokens: 1024,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Compare these images." },
              { type: "image", source: { type: "url", url: URL } },
              { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } },
              { type: "image", source: { type: "base64", media_type: "image/jpeg", data: JPEG_BASE64 } },
            ],
          },
        ],
      },
    },
    gemini: {
      info: { model: "client-model" },
      body: {
        contents: [
          {
            role: "user",
            parts: [
              { text: "Compare these images." },
              { fileData: { mimeType: "image/png", fileUri: URL } },
              { inlineData: { mimeType: "image/png", data: PNG_BASE64 } },
              { inlineData: { mimeType: "image/jpeg", data: JPEG_BASE64 } },
            ],
          },
        ],
      },
    },
  },
  check({ target }) {
    expect(target.turns).toHaveLength(1);
    expect(partsOf(target, "image").map((part) => part.image)).toEqual([
      { url: URL },
      { mediaType: "image/png", data: PNG_BASE64 },
      { mediaType: "image/jpeg", data: JPEG_BASE64 },
    ]);
  },
};

const SCREENSHOT_TOOL_SCHEMA = { type: "object", properties: {} };

/** An image inside a tool result. Chat tool messages carry only text, so there is no Chat row. */
export const toolResultImage: RequestCase = {
  name: "tool-result-image",
  summary:
    "a tool result holding text and a PNG, then a human turn; no Chat row: Chat tool messages are text only",
  inputs: {
    "openai-responses": {
      body: {
        model: "client-model",
        tools: [
          { type: "function", name: "take_screenshot", parameters: SCREENSHOT_TOOL_SCHEMA, strict: false },
        ],
        input: [
          { role: "user", content: "Take a screenshot of the page." },
          { type: "function_call", call_id: "call_shot_1", name: "take_screenshot", arguments: "{}" },
          {
            type: "function_call_output",
            call_id: "call_shot_1",
            output: [
              { type: "input_text", text: "Screenshot captured." },
              { type: "input_image", image_url: PNG_DATA_URL },
            ],
          },
          { role: "user", content: "What do you see?" },
        ],
      },
    },
    anthropic: {
      body: {
        model: "client-model",
        max_tokens: 1024,
        tools: [{ name: "take_screenshot", input_schema: SCREENSHOT_TOOL_SCHEMA }],
        messages: [
          { role: "user", content: "Take a screenshot of the page." },
          {
            role: "assistant",
            content: [{ type: "tool_use", id: "toolu_shot_1", name: "take_screenshot", input: {} }],
          },
          {
            role: "user",
            content: [
              {
                type: "tool_result",
                tool_use_id: "toolu_shot_1",
                content: [
                  { type: "text", text: "Screenshot captured." },
                  { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } },
                ],
              },
              { type: "text", text: "What do you see?" },
            ],
          },
        ],
      },
    },
    gemini: {
      info: { model: "client-model" },
      body: {
        tools: [
          {
            functionDeclarations: [{ name: "take_screenshot", parametersJsonSchema: SCREENSHOT_TOOL_SCHEMA }],
          },
        ],
        contents: [
          { role: "user", parts: [{ text: "Take a screenshot of the page." }] },
          { role: "model", parts: [{ functionCall: { name: "take_screenshot", args: {} } }] },
          {
            role: "user",
            parts: [
              {
                functionResponse: {
                  name: "take_screenshot",
                  response: { output: "Screenshot captured." },
                  parts: [{ inlineData: { mimeType: "image/png", data: PNG_BASE64 } }],
                },
              },
            ],
          },
          { role: "user", parts: [{ text: "What do you see?" }] },
        ],
      },
    },
  },
  check({ target }) {
    const texts = partsOf(target, "text").map((part) => part.text);
    expect(texts[texts.length - 1], "the human turn comes after the result").toBe("What do you see?");
    expect(partsOf(target, "image").map((part) => part.image)).toEqual([
      { mediaType: "image/png", data: PNG_BASE64 },
    ]);
  },
};
