import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { accumulate, createSnapshot, responseToEvents } from "../../model/accumulate.js";
import type { ErrorCode } from "../../model/errors.js";
import type { StreamEvent } from "../../model/events.js";
import type { CanonicalResponse } from "../../model/response.js";
import {
  cassetteRequestBody,
  chunksToSse,
  decodeStream,
  fixtureJson,
  fixtureText,
  parseJson,
  testContext,
  vercelSse,
} from "./__fixtures__/support.js";
import { anthropicAdapter } from "./index.js";

const adapter = anthropicAdapter;
const EXTERNAL = path.resolve(process.cwd(), "test/fixtures/external");

function filesUnder(relative: string, pattern: RegExp): string[] {
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(path.join(EXTERNAL, directory), { withFileTypes: true })) {
      const child = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (pattern.test(entry.name)) found.push(child);
    }
  };
  walk(relative);
  return found.sort();
}

const requestFixtures = [
  ...filesUnder("pydantic-ai/extracted/test_anthropic", /-request\.json$/),
  ...filesUnder("pydantic-ai/extracted/test_anthropic_mid_conversation_system", /-request\.json$/),
].filter((file) => !file.includes("count_tokens"));

const responseFixtures = [
  ...filesUnder("vercel-ai/anthropic", /\.json$/),
  ...filesUnder("pydantic-ai/extracted/test_anthropic", /-response\.json$/),
  ...filesUnder("pydantic-ai/extracted/test_anthropic_mid_conversation_system", /-response\.json$/),
].filter((file) => !file.includes("count_tokens"));

const streamFixtures: [string, () => string][] = [
  ...filesUnder("vercel-ai/anthropic", /\.chunks\.txt$/)
    .filter((file) => !file.includes("spliced") && !file.includes("tool-search"))
    .map((file): [string, () => string] => [file, () => chunksToSse(fixtureText(file))]),
  ...filesUnder("pydantic-ai/extracted/test_anthropic", /\.sse$/).map((file): [string, () => string] => [
    file,
    () => fixtureText(file),
  ]),
];

function accumulateAll(events: StreamEvent[]): CanonicalResponse {
  const snapshot = createSnapshot();
  for (const event of events) accumulate(event, snapshot);
  return snapshot.response;
}

/** What a client sees of a response: ids and warnings aside, tool arguments compared as JSON. */
function visible(response: CanonicalResponse): unknown {
  return {
    model: response.model,
    finishReason: response.finishReason,
    stopSequence: response.stopSequence,
    usage: response.usage,
    content: response.content.map((part) =>
      part.type === "tool-call" ? { ...part, arguments: parseJson(part.arguments) } : part,
    ),
  };
}

/** A rich client request: every request feature this adapter maps, plus ones it keeps raw. */
const richRequest = {
  model: "claude-opus-4-8",
  max_tokens: 16000,
  system: [
    { type: "text", text: "You are terse." },
    { type: "text", text: "Cached part.", cache_control: { type: "ephemeral" } },
  ],
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: "Look at these." },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
        { type: "image", source: { type: "url", url: "https://example.com/a.webp" } },
        {
          type: "document",
          source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
          title: "spec",
        },
        { type: "document", source: { type: "text", media_type: "text/plain", data: "notes ü" } },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Need a search.", signature: "sig-1" },
        { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "q" } },
        {
          type: "web_search_tool_result",
          tool_use_id: "srvtoolu_1",
          content: [{ type: "web_search_result", url: "https://x", title: "x", encrypted_content: "enc" }],
        },
        { type: "text", text: "Found it. Checking." },
        {
          type: "tool_use",
          id: "toolu_1",
          name: "read",
          input: { path: "a" },
          cache_control: { type: "ephemeral" },
        },
        { type: "tool_use", id: "toolu_2", name: "read", input: {} },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_1", content: "file a" },
        {
          type: "tool_result",
          tool_use_id: "toolu_2",
          is_error: true,
          content: [
            { type: "text", text: "denied" },
            { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/" } },
          ],
        },
        { type: "text", text: "Go on." },
      ],
    },
    { role: "system", content: "Mid-conversation reminder." },
    {
      role: "assistant",
      content: [
        { type: "redacted_thinking", data: "opaque" },
        { type: "tool_use", id: "toolu_3", name: "search_tools", input: { q: "edit" } },
      ],
    },
    {
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: "toolu_3",
          content: [{ type: "tool_reference", tool_name: "editor" }],
        },
      ],
    },
  ],
  tools: [
    {
      name: "read",
      description: "Read a file",
      input_schema: { type: "object", properties: { path: { type: "string" } } },
    },
    { name: "editor", input_schema: { type: "object" }, defer_loading: true },
    { type: "web_search_20250305", name: "web_search", max_uses: 2 },
  ],
  tool_choice: { type: "auto", disable_parallel_tool_use: true },
  thinking: { type: "enabled", budget_tokens: 4000 },
  output_config: { format: { type: "json_schema", schema: { type: "object", additionalProperties: false } } },
  metadata: { user_id: "user_x_account__session_abc-123" },
  stop_sequences: ["STOP"],
  stream: true,
  mcp_servers: [{ type: "url", url: "https://mcp.example.com", name: "m" }],
  context_management: { edits: [{ type: "clear_tool_uses_20250919" }] },
};

describe("conformance: decode-then-encode is stable", () => {
  const bodies: [string, unknown][] = [
    ...requestFixtures.map((file): [string, unknown] => [file, cassetteRequestBody(file)]),
    ["rich request", richRequest],
  ];

  it.each(bodies)("request %s", (_name, body) => {
    const first = adapter.decodeRequest(body, {}, testContext());
    const encoded = adapter.encodeRequest(first.request, { model: first.request.model }, testContext());
    expect(encoded.warnings).toEqual([]);
    const second = adapter.decodeRequest(encoded.body, {}, testContext());
    expect(second.request).toEqual(first.request);
  });

  it("puts the raw Anthropic blocks of the rich request back where they were", () => {
    const { request } = adapter.decodeRequest(richRequest, {}, testContext());
    const { body } = adapter.encodeRequest(request, { model: "claude-opus-4-8" }, testContext());
    const messages = body.messages as { role: string; content: { type: string }[] }[];
    expect(messages[1]?.content.map((block) => block.type)).toEqual([
      "thinking",
      "server_tool_use",
      "web_search_tool_result",
      "text",
      "tool_use",
      "tool_use",
    ]);
    expect(messages[5]?.content).toEqual([
      {
        type: "tool_result",
        tool_use_id: "toolu_3",
        content: [{ type: "tool_reference", tool_name: "editor" }],
      },
    ]);
    expect(messages.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "user",
      "system",
      "assistant",
      "user",
    ]);
    expect(body.mcp_servers).toEqual(richRequest.mcp_servers);
    expect(body.context_management).toEqual(richRequest.context_management);
  });

  it.each(responseFixtures)("response %s", (file) => {
    const context = testContext();
    const first = adapter.decodeResponse(fixtureJson(file), context);
    const body = adapter.encodeResponse(first, { model: first.model }, context);
    const second = adapter.decodeResponse(body, context);
    expect({ ...second, warnings: [] }).toEqual({ ...first, warnings: [] });
  });
});

/** A small deterministic generator for split points (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

describe("conformance: the same events whatever byte the input is split at", () => {
  const everySplit: [string, string][] = [
    ["anthropic-text", vercelSse("anthropic-text")],
    ["anthropic-clear-thinking.1 (multi-byte ÷)", vercelSse("anthropic-clear-thinking.1")],
    [
      "padded high-max-tokens",
      fixtureText(
        "pydantic-ai/extracted/test_anthropic/test_request_stream_fallback_for_high_max_tokens/01-response.sse",
      ),
    ],
  ];

  it.each(everySplit)("%s at every single split point", (_name, sse) => {
    const bytes = Buffer.from(sse, "utf8");
    const expected = decodeStream(bytes);
    for (let split = 1; split < bytes.length; split++) {
      expect(decodeStream(bytes, [split])).toEqual(expected);
    }
  });

  const longStreams: [string, string][] = [
    ["anthropic-web-search-tool.1", vercelSse("anthropic-web-search-tool.1")],
    [
      "pydantic thinking stream",
      fixtureText(
        "pydantic-ai/extracted/test_anthropic/test_anthropic_model_thinking_part_stream/01-response.sse",
      ),
    ],
    [
      "mcp stream",
      fixtureText("pydantic-ai/extracted/test_anthropic/test_anthropic_mcp_servers_stream/01-response.sse"),
    ],
  ];

  it.each(longStreams)("%s at many random split points", (_name, sse) => {
    const bytes = Buffer.from(sse, "utf8");
    const expected = decodeStream(bytes);
    const next = random(0x5eed);
    for (let round = 0; round < 60; round++) {
      const count = 1 + Math.floor(next() * 40);
      const splits = [
        ...new Set(Array.from({ length: count }, () => 1 + Math.floor(next() * (bytes.length - 1)))),
      ];
      splits.sort((a, b) => a - b);
      expect(decodeStream(bytes, splits)).toEqual(expected);
    }
  });
});

describe("conformance: an accumulated stream equals the non-stream result", () => {
  it.each(responseFixtures)("%s streamed through this encoder and decoder", (file) => {
    const context = testContext();
    const response = adapter.decodeResponse(fixtureJson(file), context);
    let sse = "";
    const encoder = adapter.createStreamEncoder({ model: response.model }, context, (text) => {
      sse += text;
    });
    for (const event of responseToEvents(response)) encoder.push(event);
    encoder.end();
    const streamed = accumulateAll(decodeStream(sse));
    expect(visible(streamed)).toEqual(visible(response));
    expect(streamed.id).toBe(response.id);
  });

  it.each(streamFixtures)("%s accumulated, as a message body, decodes the same", (_file, load) => {
    const context = testContext();
    const streamed = accumulateAll(decodeStream(load(), [], context));
    const body = adapter.encodeResponse(streamed, { model: streamed.model }, context);
    expect(visible(adapter.decodeResponse(body, context))).toEqual(visible(streamed));
  });

  const pairs = [
    "anthropic-text",
    "anthropic-clear-thinking.1",
    "anthropic-json-tool.1",
    "anthropic-tool-no-args",
    "anthropic-refusal",
    "anthropic-fallback",
    "anthropic-combined-context-editing.1",
  ];

  it.each(pairs)("recorded pair %s: same blocks, tools and finish in stream and message", (name) => {
    const streamed = accumulateAll(decodeStream(vercelSse(name)));
    const whole = adapter.decodeResponse(fixtureJson(`vercel-ai/anthropic/${name}.json`), testContext());
    const shape = (response: CanonicalResponse) => ({
      finishReason: response.finishReason,
      blocks: response.content.map((part) =>
        part.type === "tool-call"
          ? `tool:${part.name}`
          : part.type === "thinking"
            ? `thinking:${part.signature?.origin}`
            : part.type,
      ),
    });
    expect(shape(streamed)).toEqual(shape(whole));
  });
});

describe("conformance: the error table", () => {
  const table: [number, string, ErrorCode, boolean][] = [
    [400, "invalid_request_error", "invalid_request", false],
    [401, "authentication_error", "authentication", false],
    [402, "billing_error", "quota_exhausted", false],
    [403, "permission_error", "permission", false],
    [404, "not_found_error", "not_found", false],
    [413, "request_too_large", "request_too_large", false],
    [429, "rate_limit_error", "rate_limited", true],
    [500, "api_error", "upstream_error", true],
    [504, "timeout_error", "timeout", true],
    [529, "overloaded_error", "overloaded", true],
  ];

  it.each(table)(
    "HTTP %i %s decodes to %s and renders back in Anthropic's shape",
    (status, type, code, retryable) => {
      const body = JSON.stringify({ type: "error", error: { type, message: `message for ${type}` } });
      const error = adapter.decodeError(status, body, { "retry-after": "7" });
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(error.retryable).toBe(retryable);
      expect(error.retryAfterMs).toBe(7000);
      const rendered = adapter.renderError(error.toData());
      expect(rendered).toEqual({
        status,
        body: { type: "error", error: { type, message: `message for ${type}` } },
        headers: { "retry-after": "7" },
      });
      const events = decodeStream(adapter.renderStreamError(error.toData()));
      expect(events).toEqual([
        { type: "error", error: expect.objectContaining({ code, upstreamType: type }) },
      ]);
    },
  );

  it("decodes a status without a JSON body by status", () => {
    const error = adapter.decodeError(503, "<html>Service Unavailable</html>", {});
    expect(error.code).toBe("unavailable");
    expect(error.message).toContain("Service Unavailable");
  });

  const codes: [ErrorCode, string][] = [
    ["invalid_request", "invalid_request_error"],
    ["unsupported_conversion", "invalid_request_error"],
    ["authentication", "authentication_error"],
    ["permission", "permission_error"],
    ["quota_exhausted", "billing_error"],
    ["not_found", "not_found_error"],
    ["request_too_large", "request_too_large"],
    ["rate_limited", "rate_limit_error"],
    ["overloaded", "overloaded_error"],
    ["unavailable", "overloaded_error"],
    ["timeout", "timeout_error"],
    ["upstream_incomplete", "api_error"],
    ["internal", "api_error"],
  ];

  it.each(codes)("gateway error %s renders as %s", (code, type) => {
    const rendered = adapter.renderError({ code, status: 418, message: "m", retryable: false });
    expect(rendered).toEqual({ status: 418, body: { type: "error", error: { type, message: "m" } } });
  });

  it("renders a client request error with the path it names", () => {
    try {
      adapter.decodeRequest({ model: "m", messages: [{ role: "user", content: 5 }] }, {}, testContext());
      throw new Error("expected a rejection");
    } catch (error) {
      const data = (error as { toData: () => import("../../model/errors.js").LlmuxErrorData }).toData();
      const rendered = adapter.renderError(data);
      expect(rendered.status).toBe(400);
      expect(rendered.body).toEqual({
        type: "error",
        error: { type: "invalid_request_error", message: expect.stringMatching(/^messages\[0\]\.content: /) },
      });
    }
  });

  it("reads usage in Anthropic's shape", () => {
    expect(
      adapter.decodeUsage({
        input_tokens: 3,
        cache_read_input_tokens: 100,
        cache_creation_input_tokens: 20,
        output_tokens: 9,
        output_tokens_details: { thinking_tokens: 4 },
      }),
    ).toEqual({
      inputTokens: 3,
      cacheReadTokens: 100,
      cacheWriteTokens: 20,
      outputTokens: 9,
      reasoningTokens: 4,
    });
    expect(adapter.decodeUsage("nope")).toBeUndefined();
  });
});
