import { describe, expect, it } from "vitest";
import { safeParseJson } from "../../json/safe-parse.js";
import type { ErrorCode } from "../../model/errors.js";
import type { StreamEvent } from "../../model/events.js";
import type { JsonObject } from "../../model/json.js";
import type { CanonicalRequest } from "../../model/request.js";
import type { CanonicalResponse } from "../../model/response.js";
import {
  accumulateEvents,
  chunkLinesToSse,
  decodeSseText,
  parseJson,
  readCassette,
  readChunkLines,
  readExternal,
  readJson,
  splitStreams,
  testContext,
  withoutVolatile,
} from "./__fixtures__/fixtures.js";
import { openAiResponsesAdapter as adapter } from "./index.js";

const RESPONSES = "vercel-ai/openai/responses";
const CASSETTES = "pydantic-ai/cassettes/test_openai_responses";
const CASSETTE_NAMES = [
  "test_openai_responses_stream",
  "test_openai_responses_streaming_usage",
  "test_openai_responses_thinking_part_iter",
  "test_openai_responses_thinking_with_tool_calls",
];
const CHUNK_FILES = [
  `${RESPONSES}/github-copilot-id-rotation.1.chunks.txt`,
  `${RESPONSES}/openai-apply-patch-tool.1.chunks.txt`,
  `${RESPONSES}/openai-client-tool-search.1.chunks.txt`,
  `${RESPONSES}/openai-custom-tool.1.chunks.txt`,
  `${RESPONSES}/openai-local-shell-tool.1.chunks.txt`,
  `${RESPONSES}/openai-phase.1.chunks.txt`,
  `${RESPONSES}/openai-reasoning-encrypted-content.1.chunks.txt`,
  `${RESPONSES}/openai-web-search-tool.1.chunks.txt`,
  "vercel-ai/open-responses/responses/lmstudio-tool-call.1.chunks.txt",
];

/** Chunk files with a bracket fixed where the vendored copy is not valid JSON. */
function repairedLines(file: string): string[] {
  return readChunkLines(file).map((line) => (safeParseJson(line).ok ? line : `${line}}`));
}

/** Request state the host resolves before encoding: a re-encoded request never carries it. */
function withoutHostState(request: CanonicalRequest): CanonicalRequest {
  const { store: _store, previousResponseId: _previous, ...rest } = request;
  return rest;
}

/** Ids that differ between a stream and its terminal response, or between two encodings. */
function withoutIds(response: CanonicalResponse): CanonicalResponse {
  const volatile = withoutVolatile(response);
  return {
    ...volatile,
    id: "",
    content: volatile.content.map((part) => {
      if (part.type !== "thinking" || part.itemId === undefined) return part;
      const { itemId: _itemId, ...rest } = part;
      return rest;
    }),
  };
}

describe("conformance: decode then encode is stable", () => {
  const RICH_REQUEST = {
    // Not a reasoning model: those reject temperature and top_p, which the encoder then drops.
    model: "gpt-4.1",
    instructions: "Be brief.",
    input: [
      { type: "message", role: "developer", content: "dev rules" },
      {
        role: "user",
        content: [
          { type: "input_text", text: "look" },
          { type: "input_image", image_url: "https://x/y.png", detail: "low" },
        ],
      },
      {
        type: "reasoning",
        id: "rs_1",
        summary: [
          { type: "summary_text", text: "a" },
          { type: "summary_text", text: "b" },
        ],
        encrypted_content: "gAAAA1",
      },
      {
        type: "message",
        role: "assistant",
        phase: "commentary",
        content: [{ type: "output_text", text: "Working." }],
      },
      { type: "function_call", call_id: "call_1", name: "shell", arguments: '{"cmd":"ls"}' },
      { type: "custom_tool_call", call_id: "call_2", name: "apply_patch", input: "*** Begin" },
      {
        type: "function_call_output",
        call_id: "call_1",
        output: [
          { type: "input_text", text: "a.txt" },
          { type: "input_image", file_id: "file-1" },
        ],
      },
      { type: "custom_tool_call_output", call_id: "call_2", output: "ok" },
      { type: "message", role: "developer", content: "later system" },
      { role: "assistant", content: "done" },
    ],
    tools: [
      {
        type: "function",
        name: "shell",
        description: "Run",
        parameters: { type: "object", properties: { cmd: { type: "string" } } },
        strict: true,
      },
      {
        type: "custom",
        name: "apply_patch",
        format: { type: "grammar", syntax: "lark", definition: "start: x" },
      },
      { type: "web_search", search_context_size: "low" },
    ],
    tool_choice: { type: "function", name: "shell" },
    parallel_tool_calls: true,
    reasoning: { effort: "medium", summary: "concise" },
    text: {
      format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true },
      verbosity: "high",
    },
    max_output_tokens: 1000,
    temperature: 0.7,
    top_p: 0.95,
    store: true,
    previous_response_id: "resp_0",
    include: ["reasoning.encrypted_content", "message.output_text.logprobs"],
    prompt_cache_key: "pck",
    user: "end-user",
    metadata: { trace: "t1" },
    truncation: "auto",
    stream: true,
  };

  const recorded = CASSETTE_NAMES.flatMap((name) =>
    readCassette(`${CASSETTES}/${name}.yaml`).map(
      (interaction, turn) => [`${name} #${turn + 1}`, interaction.request] as const,
    ),
  );

  it.each([["a request using every mapped field", RICH_REQUEST] as const, ...recorded])(
    "request: %s",
    (_name, body) => {
      const first = adapter.decodeRequest(body, {}, testContext());
      const encoded = adapter.encodeRequest(first.request, { model: first.request.model }, testContext());
      const second = adapter.decodeRequest(encoded.body, {}, testContext());
      expect(withoutHostState(second.request)).toEqual(withoutHostState(first.request));
      expect(second.warnings).toEqual([]);
    },
  );

  it("request: foreign thinking is not replayed to OpenAI, and the loss is reported", () => {
    const withForeign = {
      ...RICH_REQUEST,
      input: [
        ...RICH_REQUEST.input,
        { type: "reasoning", summary: [], encrypted_content: "llmux1:anthropic:sig" },
      ],
    };
    const first = adapter.decodeRequest(withForeign, {}, testContext());
    const encoded = adapter.encodeRequest(first.request, { model: "gpt-4.1" }, testContext());
    expect(encoded.warnings.map((warning) => warning.code)).toEqual(["reasoning_dropped"]);
  });

  const bodies: (readonly [string, unknown])[] = [
    ...[
      "openai-reasoning-encrypted-content.1.json",
      "openai-custom-tool.1.json",
      "parallel-tool-call-wrapper.1.json",
      "openai-web-search-tool.1.json",
      "openai-local-shell-tool.1.json",
      "openai-phase.1.json",
      "openai-client-tool-search.1.json",
      "openai-apply-patch-tool.1.json",
    ].map((file) => [file, readJson(`${RESPONSES}/${file}`)] as const),
    ["lmstudio-tool-call.1.json", readJson("vercel-ai/open-responses/responses/lmstudio-tool-call.1.json")],
    ...readCassette(`${CASSETTES}/test_openai_responses_thinking_with_tool_calls.yaml`).map(
      (interaction, turn) => [`thinking_with_tool_calls #${turn + 1}`, interaction.body] as const,
    ),
  ];

  it.each(bodies)("response: %s", (_name, body) => {
    const first = adapter.decodeResponse(body, testContext());
    const encoded = adapter.encodeResponse(first, { model: first.model }, testContext());
    const second = adapter.decodeResponse(encoded, testContext());
    expect(withoutIds(second)).toEqual(withoutIds(first));
  });

  it.each(CHUNK_FILES)("stream: %s decodes, re-encodes and decodes to the same response", (file) => {
    for (const lines of splitStreams(repairedLines(file))) {
      const events = decodeSseText(chunkLinesToSse(lines));
      const start = events[0];
      const writes: string[] = [];
      const encoder = adapter.createStreamEncoder(
        { model: start?.type === "response-start" ? start.model : "" },
        testContext(),
        (text) => writes.push(text),
      );
      for (const event of events) encoder.push(event);
      encoder.end();
      const again = decodeSseText(writes.join(""));
      expect(accumulateEvents(again)).toEqual(accumulateEvents(events));
    }
  });
});

describe("conformance: the same events whatever byte the input is split at", () => {
  const shortStreams = [
    [
      "openai-custom-tool (every split point)",
      chunkLinesToSse(readChunkLines(`${RESPONSES}/openai-custom-tool.1.chunks.txt`)),
    ],
    [
      "pydantic stream, LF-framed (every split point)",
      readCassette(`${CASSETTES}/test_openai_responses_stream.yaml`)[0]?.bodyText ?? "",
    ],
  ] as const;

  it.each(shortStreams)("%s", (_name, text) => {
    const whole = decodeSseText(text);
    expect(whole.at(-1)?.type).toBe("finish");
    const expected = JSON.stringify(whole);
    const length = Buffer.byteLength(text);
    for (let point = 1; point < length; point++) {
      if (JSON.stringify(decodeSseText(text, [point])) !== expected) {
        expect.fail(`splitting at byte ${point} changed the events`);
      }
    }
  });

  it("multi-byte characters split inside their UTF-8 sequence (copilot capture)", () => {
    const text = chunkLinesToSse(readChunkLines(`${RESPONSES}/github-copilot-id-rotation.1.chunks.txt`));
    const bytes = Buffer.from(text);
    const expected = JSON.stringify(decodeSseText(text));
    const inside: number[] = [];
    bytes.forEach((byte, position) => {
      if (byte >= 0x80) inside.push(position, position + 1);
    });
    expect(inside.length).toBeGreaterThan(100);
    for (const point of inside) {
      if (JSON.stringify(decodeSseText(text, [point])) !== expected) {
        expect.fail(`splitting at byte ${point} changed the events`);
      }
    }
  });

  it("a long reasoning stream at many random split points, also with CRLF framing", () => {
    const lf = readCassette(`${CASSETTES}/test_openai_responses_thinking_part_iter.yaml`)[0]?.bodyText ?? "";
    const crlf = lf.replace(/\n/g, "\r\n");
    const whole = decodeSseText(lf);
    expect(decodeSseText(crlf)).toEqual(whole);
    let seed = 12345;
    const random = (limit: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % limit;
    };
    for (const text of [lf, crlf]) {
      const length = Buffer.byteLength(text);
      for (let run = 0; run < 40; run++) {
        const points = Array.from({ length: 60 }, () => 1 + random(length - 1)).sort((a, b) => a - b);
        expect(JSON.stringify(decodeSseText(text, points))).toBe(JSON.stringify(whole));
      }
    }
  });
});

describe("conformance: an accumulated stream equals the non-stream result", () => {
  it("for the recorded stream/body pair of a custom tool call", () => {
    const streamed = accumulateEvents(
      decodeSseText(chunkLinesToSse(readChunkLines(`${RESPONSES}/openai-custom-tool.1.chunks.txt`))),
    );
    const whole = adapter.decodeResponse(readJson(`${RESPONSES}/openai-custom-tool.1.json`), testContext());
    expect(streamed).toEqual(whole);
  });

  it("for the recorded stream/body pair of a multi_tool_use.parallel wrapper", () => {
    const streamed = accumulateEvents(
      decodeSseText(chunkLinesToSse(repairedLines(`${RESPONSES}/parallel-tool-call-wrapper.1.chunks.txt`))),
    );
    const whole = adapter.decodeResponse(
      readJson(`${RESPONSES}/parallel-tool-call-wrapper.1.json`),
      testContext(),
    );
    expect(streamed).toEqual(whole);
  });

  const streams: (readonly [string, string])[] = [
    ...CHUNK_FILES.flatMap((file) =>
      splitStreams(repairedLines(file)).map(
        (lines, turn) => [`${file} #${turn + 1}`, chunkLinesToSse(lines)] as const,
      ),
    ),
    ...CASSETTE_NAMES.flatMap((name) =>
      readCassette(`${CASSETTES}/${name}.yaml`)
        .filter((interaction) => interaction.bodyText !== undefined)
        .map((interaction, turn) => [`${name} #${turn + 1}`, interaction.bodyText ?? ""] as const),
    ),
  ];

  it.each(streams)("for %s and the response its terminal event carries", (_name, text) => {
    const frames = text.split("\n").filter((line) => line.startsWith("data: "));
    const terminal = parseJson(frames.at(-1)?.slice("data: ".length) ?? "{}") as JsonObject;
    expect(terminal.type).toBe("response.completed");
    const streamed = accumulateEvents(decodeSseText(text));
    const whole = adapter.decodeResponse(terminal.response, testContext());
    expect(withoutIds(streamed)).toEqual(withoutIds(whole));
  });
});

describe("conformance: the error table", () => {
  const table: [status: number, body: string, code: ErrorCode, type: string][] = [
    [
      400,
      readExternal(`${RESPONSES}/reasoning-model-temperature-error.json`),
      "invalid_request",
      "invalid_request_error",
    ],
    [
      401,
      '{"error":{"message":"Incorrect API key","type":"invalid_request_error","code":"invalid_api_key"}}',
      "authentication",
      "invalid_request_error",
    ],
    [403, '{"error":{"message":"region","type":"permission_error"}}', "permission", "permission_error"],
    [
      404,
      '{"error":{"message":"no model","type":"invalid_request_error","code":"model_not_found"}}',
      "not_found",
      "invalid_request_error",
    ],
    [413, "request entity too large", "request_too_large", "invalid_request_error"],
    [
      429,
      '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}',
      "rate_limited",
      "requests",
    ],
    [429, readExternal(`${RESPONSES}/openai-error.1.json`), "quota_exhausted", "insufficient_quota"],
    [
      500,
      '{"error":{"message":"The server had an error","type":"server_error"}}',
      "upstream_error",
      "server_error",
    ],
    [502, "<html>Bad gateway</html>", "upstream_error", "server_error"],
    [
      503,
      '{"error":{"message":"The engine is currently overloaded","type":"server_error"}}',
      "unavailable",
      "server_error",
    ],
  ];

  it.each(table)(
    "HTTP %i decodes to its code and renders back in the OpenAI shape",
    (status, body, code, type) => {
      const error = adapter.decodeError(status, body, { "retry-after": "7" });
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      const rendered = adapter.renderError(error.toData());
      expect(rendered.status).toBe(status);
      expect(rendered.body).toEqual({
        error: { message: error.message, type, param: error.param ?? null, code },
      });
      expect(rendered.headers).toEqual({ "retry-after": "7" });
    },
  );

  it("keeps the offending parameter and the upstream message", () => {
    const error = adapter.decodeError(
      400,
      readExternal(`${RESPONSES}/reasoning-model-temperature-error.json`),
      {},
    );
    expect(error.param).toBe("temperature");
    expect(error.message).toBe("Unsupported parameter: 'temperature' is not supported with this model.");
    expect(adapter.decodeError(502, "<html>Bad gateway</html>", {}).message).toContain("Bad gateway");
  });

  it.each<[ErrorCode, number]>([
    ["rate_limited", 429],
    ["quota_exhausted", 429],
    ["overloaded", 529],
    ["upstream_incomplete", 502],
    ["invalid_request", 400],
  ])("an in-stream %s renders as the error event and decodes back", (code, status) => {
    const frame = adapter.renderStreamError({ code, status, message: "m", retryable: true });
    expect(frame.startsWith("event: error\ndata: ")).toBe(true);
    const events: StreamEvent[] = decodeSseText(frame);
    expect(events).toHaveLength(1);
    const decoded = events[0]?.type === "error" ? events[0].error : undefined;
    const expected: Partial<Record<ErrorCode, ErrorCode>> = {
      overloaded: "unavailable",
      upstream_incomplete: "upstream_error",
    };
    expect(decoded?.code).toBe(expected[code] ?? code);
    expect(decoded?.message).toBe("m");
  });
});
