import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { StreamEvent } from "../../model/events.js";
import {
  decodeSse,
  fixtureJson,
  fixtureText,
  lifecycleProblems,
  testContext,
} from "./__fixtures__/support.js";
import { geminiAdapter } from "./index.js";

/** One recorded exchange with a Gemini endpoint, whatever the recorder's format. */
interface Exchange {
  name: string;
  url: string;
  requestBody: unknown;
  status: number;
  /** Raw SSE for streams, a parsed body otherwise. */
  sse?: string;
  body?: unknown;
}

function modelOf(url: string): { model: string; method: string } {
  const match = /models\/([^/:]+):(\w+)/.exec(url);
  return { model: match?.[1] ?? "", method: match?.[2] ?? "" };
}

function genaiExchanges(): Exchange[] {
  const directory = path.resolve(process.cwd(), "test/fixtures/external/js-genai/recordings");
  return readdirSync(directory).flatMap((file) => {
    const recording = fixtureJson(`js-genai/recordings/${file}`) as {
      interactions: {
        request: { url: string; bodySegments: unknown[] };
        response: { statusCode: number; bodySegments: unknown[] };
      }[];
    };
    return recording.interactions.map((interaction, index) => {
      const { url } = interaction.request;
      const exchange: Exchange = {
        name: `${file}#${index}`,
        url,
        requestBody: interaction.request.bodySegments[0],
        status: interaction.response.statusCode,
      };
      if (modelOf(url).method === "streamGenerateContent" && exchange.status === 200) {
        exchange.sse = interaction.response.bodySegments
          .map((segment) => `data: ${JSON.stringify(segment)}\r\n\r\n`)
          .join("");
      } else {
        exchange.body = interaction.response.bodySegments[0];
      }
      return exchange;
    });
  });
}

function cassetteExchanges(): Exchange[] {
  const files = [
    ...readdirSync(
      path.resolve(process.cwd(), "test/fixtures/external/pydantic-ai/cassettes/test_google"),
    ).map((file) => `pydantic-ai/cassettes/test_google/${file}`),
    "pydantic-ai/cassettes/test_stream_close/test_cancel_recorded_provider_stream[google].yaml",
  ];
  return files.flatMap((file) => {
    const cassette = parse(fixtureText(file)) as {
      interactions: {
        request: { uri: string; parsed_body: unknown };
        response: { status: { code: number }; body?: { string?: string }; parsed_body?: unknown };
      }[];
    };
    return cassette.interactions
      .filter((interaction) => interaction.request.uri.includes("generativelanguage.googleapis.com"))
      .map((interaction, index) => {
        const exchange: Exchange = {
          name: `${file}#${index}`,
          url: interaction.request.uri,
          requestBody: interaction.request.parsed_body,
          status: interaction.response.status.code,
        };
        if (interaction.response.body?.string !== undefined) exchange.sse = interaction.response.body.string;
        else exchange.body = interaction.response.parsed_body;
        return exchange;
      });
  });
}

const exchanges = [...genaiExchanges(), ...cassetteExchanges()];

describe("every recorded Gemini exchange (js-genai recordings, pydantic-ai cassettes)", () => {
  it("covers the corpus", () => {
    expect(exchanges.length).toBeGreaterThanOrEqual(20);
  });

  it.each(exchanges.map((exchange) => [exchange.name, exchange] as const))("%s", (_name, exchange) => {
    const { model, method } = modelOf(exchange.url);
    const decoded = geminiAdapter.decodeRequest(
      exchange.requestBody,
      { model, stream: method === "streamGenerateContent" },
      testContext(),
    );
    expect(decoded.request.messages.length).toBeGreaterThan(0);
    const reencoded = geminiAdapter.encodeRequest(decoded.request, { model }, testContext());
    const again = geminiAdapter.decodeRequest(
      reencoded.body,
      { model, stream: decoded.request.stream },
      testContext(),
    );
    expect(again.request).toEqual(decoded.request);
    if (method === "countTokens") return;
    if (exchange.status >= 400) {
      const error = geminiAdapter.decodeError(exchange.status, JSON.stringify(exchange.body), {});
      expect(error.status).toBe(exchange.status);
      expect(error.code).not.toBe("internal");
      return;
    }
    if (exchange.sse !== undefined) {
      const events: StreamEvent[] = decodeSse(exchange.sse);
      expect(lifecycleProblems(events)).toEqual([]);
      const last = events.at(-1);
      if (last?.type === "error") {
        expect(last.error.code).not.toBe("upstream_incomplete");
      } else {
        expect(last?.type).toBe("finish");
        expect(events.some((event) => event.type === "text-delta" || event.type === "tool-call-start")).toBe(
          true,
        );
      }
      return;
    }
    const response = geminiAdapter.decodeResponse(exchange.body, testContext());
    expect(response.content.length).toBeGreaterThan(0);
  });
});
