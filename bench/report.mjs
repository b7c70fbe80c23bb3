// The printed report: Markdown tables (paste-able into docs/benchmarks.md) of medians with their
// spread across repetitions, as "median (min-max)".
import { formatNumber, formatSpread } from "./stats.mjs";

/** @typedef {import("./stats.mjs").Summary} Summary */

/**
 * @param {readonly string[]} headers
 * @param {readonly (readonly string[])[]} rows
 */
export function markdownTable(headers, rows) {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (/** @type {readonly string[]} */ cells) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [
    line(headers),
    `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

const x = (/** @type {Summary} */ summary) => `${formatSpread(summary)}x`;
const ms = (/** @type {Summary} */ summary) => formatSpread(summary, 3);
const us = (/** @type {Summary} */ summary) => formatSpread(summary, 1);

/**
 * @param {import("./derive.mjs").Derived} derived the `derived` part of the results JSON
 * @returns {string}
 */
export function renderReport(derived) {
  /** @type {string[]} */
  const out = [];
  if (derived.latency !== undefined) {
    out.push("### 1. Sequential latency, small non-streaming request (ms added to the direct call)\n");
    out.push(
      markdownTable(
        ["case", "direct p50", "floor +p50", "llmux +p50", "llmux +p99", "llmux/floor added"],
        derived.latency.map((row) => [
          row.case,
          ms(row.directP50Ms),
          ms(row.floorAddedP50Ms),
          ms(row.llmuxAddedP50Ms),
          ms(row.llmuxAddedP99Ms),
          x(row.addedVsFloor),
        ]),
      ),
    );
  }
  if (derived.throughput !== undefined) {
    out.push("\n### 2. Throughput and CPU per request (autocannon; CPU of the proxy process from /proc)\n");
    out.push(
      "1-core req/s = 1e6 / CPU us per request: what the proxy's own core could serve if the load generator kept up.",
    );
    for (const [prefix, rows] of Object.entries(derived.throughput)) {
      out.push(`\n${prefix}\n`);
      out.push(
        markdownTable(
          [
            "target",
            "req/s",
            "vs floor",
            "vs direct",
            "CPU us/req",
            "CPU vs floor",
            "1-core req/s",
            "p99 ms",
            "errors",
          ],
          rows.map((row) => [
            row.target,
            formatSpread(row.rps, 0),
            row.target === "floor" ? "1x" : x(row.rpsVsFloor),
            x(row.rpsVsDirect),
            row.target === "direct" ? "(mock)" : us(row.cpuUsPerRequest),
            row.target === "direct" ? "-" : x(row.cpuVsFloor),
            row.target === "direct" ? "-" : formatSpread(row.oneCoreCapacity, 0),
            ms(row.p99Ms),
            String(row.errors),
          ]),
        ),
      );
    }
  }
  if (derived.streaming !== undefined) {
    out.push("\n### 3. Streaming, 200-event stream (paced: 1 ms apart; burst: back to back)\n");
    for (const [prefix, rows] of Object.entries(derived.streaming)) {
      out.push(`\n${prefix}\n`);
      out.push(
        markdownTable(
          [
            "target",
            "streams",
            "first token p50",
            "added",
            "total p50",
            "added",
            "CPU us/chunk",
            "vs floor",
            "errors",
          ],
          rows.map((row) => [
            row.target,
            formatSpread(row.streams, 0),
            ms(row.firstTokenP50Ms),
            ms(row.addedFirstTokenMs),
            ms(row.totalP50Ms),
            ms(row.addedTotalMs),
            row.target === "direct" ? "(mock)" : us(row.cpuUsPerChunk),
            row.target === "direct" ? "-" : x(row.cpuPerChunkVsFloor),
            String(row.errors),
          ]),
        ),
      );
    }
  }
  if (derived.memory !== undefined) {
    out.push("\n### 4. Memory (RSS from /proc, MB)\n");
    out.push(
      markdownTable(
        ["what", "RSS MB"],
        Object.entries(derived.memory)
          .filter(([key]) => key !== "slowStreams")
          .map(([key, value]) => [key, formatNumber(/** @type {number} */ (value), 1)]),
      ),
    );
  }
  if (derived.micro !== undefined) out.push(renderMicro(derived.micro));
  if (derived.targets !== undefined) {
    out.push("\n### Targets (issue 6)\n");
    out.push(
      markdownTable(
        ["target", "limit", "measured", "met", "how"],
        derived.targets.map((row) => [
          row.target,
          row.limit,
          formatNumber(row.measured, 2),
          row.met === undefined ? "n/a" : row.met ? "yes" : "NO",
          row.detail,
        ]),
      ),
    );
  }
  if (derived.background !== undefined && Object.keys(derived.background).length > 0) {
    out.push(
      "\nBackground load from other processes while measuring (cores; above ~0.2 disturbs the numbers):",
    );
    for (const [phase, load] of Object.entries(derived.background)) {
      out.push(
        `- ${phase}: median ${formatNumber(load.medianCores, 2)}, max ${formatNumber(load.maxCores, 2)}`,
      );
    }
  }
  return `${out.join("\n")}\n`;
}

/**
 * @param {import("./derive.mjs").MicroResult} micro
 */
function renderMicro(micro) {
  const out = ["\n### 5. Core micro benchmarks (in-process, one pinned core)\n"];
  const protocols = ["openai-chat", "openai-responses", "anthropic", "gemini"];
  out.push("Stream conversion, canonical events per second of CPU (rows: upstream, columns: client):\n");
  out.push(
    markdownTable(
      ["upstream \\ client", ...protocols],
      protocols.map((upstream) => [
        upstream,
        ...protocols.map((client) => {
          const pair = micro.conversions?.[`${upstream} -> ${client}`];
          return pair === undefined
            ? "-"
            : `${formatNumber(pair.eventsPerSecond.median / 1000, 0)}k (${formatNumber(pair.cpuUsPerEvent.median, 2)} us)`;
        }),
      ]),
    ),
  );
  const big = micro.bigRequest;
  if (big !== undefined) {
    out.push(
      `\n~100 KB Claude-Code request (${big.requestBytes} bytes), Anthropic -> OpenAI Chat, per request:\n`,
    );
    out.push(
      markdownTable(
        [
          "CPU total us",
          "JSON.parse",
          "decode (anthropic)",
          "encode (openai-chat)",
          "JSON.stringify",
          "parse+stringify only",
        ],
        [
          [
            us(big.cpuUsPerRequest),
            us(big.parseUs),
            us(big.decodeUs),
            us(big.encodeUs),
            us(big.stringifyUs),
            us(big.jsonParseStringifyOnlyUs),
          ],
        ],
      ),
    );
  }
  const routing = micro.routing;
  if (
    routing?.routeFarUs !== undefined &&
    routing.routeNearUs !== undefined &&
    routing.decodeUs !== undefined
  ) {
    out.push(
      `\nRouting a 100k-token prompt (estimated ${routing.estimatedTokens} tokens), CPU per decision:\n`,
    );
    out.push(
      markdownTable(
        [
          "decode (anthropic)",
          "route, far from threshold (estimate)",
          `route, near threshold (tiktoken, ${routing.nearMethod})`,
        ],
        [[us(routing.decodeUs), us(routing.routeFarUs), us(routing.routeNearUs)]],
      ),
    );
  } else {
    out.push(`\nRouting a 100k-token prompt: ${routing?.status ?? "-"} (${routing?.note ?? ""})`);
  }
  if (micro.logging !== undefined) {
    out.push(
      `\nOne request log line (llmux's logger, level info, to a file, one line per event-loop turn): ` +
        `${us(micro.logging.cpuUsPerLine)} us of CPU`,
    );
  }
  return out.join("\n");
}
