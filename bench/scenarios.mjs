// What the benchmark sends: one provider per protocol on the mock, model names that pick the mock's
// script, wire requests for each protocol, and the gateway's configuration.

/** @typedef {"openai-chat" | "openai-responses" | "anthropic" | "gemini"} Protocol */
/** @typedef {"small" | "s200" | "p200" | "slow" | "big"} ScriptKind */
/** @typedef {{ path: string, headers: Record<string, string>, body: string }} WireRequest */

/** @type {readonly Protocol[]} */
export const PROTOCOLS = ["openai-chat", "openai-responses", "anthropic", "gemini"];

/** The gateway's provider id (and model-name prefix) for each upstream protocol. */
/** @type {Record<Protocol, string>} */
export const PROVIDER_IDS = {
  "openai-chat": "chat",
  "openai-responses": "resp",
  anthropic: "claude",
  gemini: "gem",
};

/** @type {readonly ScriptKind[]} */
export const SCRIPT_KINDS = ["small", "s200", "p200", "slow", "big"];

/** Text deltas in the streaming scripts (s200 bursts them, p200 paces them 1 ms apart). */
export const STREAM_DELTAS = 200;

/** The word of the first text delta: a client has its first token when this arrives. */
export const FIRST_TOKEN_MARKER = "tok0";

/**
 * The model name that makes the mock answer with `kind`, served by `upstream`'s provider.
 * @param {Protocol} upstream
 * @param {ScriptKind} kind
 */
export function modelName(upstream, kind) {
  return `${PROVIDER_IDS[upstream]}-${kind}`;
}

/**
 * The route name whose requests are classified, then served by `upstream`'s "big" model.
 * @param {Protocol} upstream
 */
export function routedModel(upstream) {
  return `routed-${PROVIDER_IDS[upstream]}-big`;
}

/**
 * The mock's script for a model name (see mock-process.mjs).
 * @param {string} model
 * @returns {import("../src/mock/script.js").MockScript}
 */
export function scriptForModel(model) {
  if (model.endsWith("-s200") || model.endsWith("-p200")) {
    const words = Array.from({ length: STREAM_DELTAS }, (_, index) => `tok${index} `).join("");
    return {
      steps: [{ type: "text", text: words, deltas: STREAM_DELTAS }],
      usage: { input: 20, output: STREAM_DELTAS },
      ...(model.endsWith("-p200") ? { chunkDelayMs: 1 } : {}),
    };
  }
  if (model.endsWith("-slow")) {
    const words = Array.from({ length: 120 }, (_, index) => `slow${index} `).join("");
    return { steps: [{ type: "text", text: words, deltas: 120 }], chunkDelayMs: 1000 };
  }
  return {
    steps: [{ type: "text", text: "Hello! How can I help you with your code today?" }],
    usage: { input: 12, output: 12 },
  };
}

const SMALL_PROMPT = "Write a haiku about TCP slow start.";

/**
 * One protocol's generation request. `body` (an Anthropic Messages body) replaces the small
 * prompt for the Anthropic protocol only (the 100 KB request).
 * @param {Protocol} protocol
 * @param {{ model: string, stream: boolean, body?: Record<string, unknown> }} options
 * @returns {WireRequest}
 */
export function buildRequest(protocol, options) {
  const { model, stream } = options;
  const json = { "content-type": "application/json" };
  switch (protocol) {
    case "openai-chat":
      return {
        path: "/v1/chat/completions",
        headers: { ...json, authorization: "Bearer sk-bench-client" },
        body: JSON.stringify({
          model,
          messages: [{ role: "user", content: SMALL_PROMPT }],
          max_tokens: 256,
          ...(stream ? { stream: true } : {}),
        }),
      };
    case "openai-responses":
      return {
        path: "/v1/responses",
        headers: { ...json, authorization: "Bearer sk-bench-client" },
        body: JSON.stringify({ model, input: SMALL_PROMPT, max_output_tokens: 256, store: false, stream }),
      };
    case "anthropic":
      return {
        path: "/v1/messages",
        headers: { ...json, "x-api-key": "sk-bench-client", "anthropic-version": "2023-06-01" },
        body: JSON.stringify(
          options.body === undefined
            ? { model, max_tokens: 256, messages: [{ role: "user", content: SMALL_PROMPT }], stream }
            : { ...options.body, model, stream },
        ),
      };
    case "gemini":
      return {
        path: `/v1beta/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
        headers: { ...json, "x-goog-api-key": "bench-client" },
        body: JSON.stringify({
          contents: [{ role: "user", parts: [{ text: SMALL_PROMPT }] }],
          generationConfig: { maxOutputTokens: 256 },
        }),
      };
    default:
      throw new Error(`unknown protocol ${String(protocol)}`);
  }
}

/**
 * The gateway's config: one provider per protocol on the mock, each serving every script kind,
 * logging at info (to a file the runner chose) so logging cost is included.
 * @param {string} mockUrl
 * @param {string} dataDir
 * @param {string} [logLevel] "info" by default; "silent" measures what logging costs
 */
export function gatewayConfig(mockUrl, dataDir, logLevel = "info") {
  /** @type {Record<Protocol, string>} */
  const baseUrls = {
    "openai-chat": `${mockUrl}/v1`,
    "openai-responses": `${mockUrl}/v1`,
    anthropic: mockUrl,
    gemini: mockUrl,
  };
  /** @type {Record<string, unknown>} */
  const providers = {};
  for (const protocol of PROTOCOLS) {
    const id = PROVIDER_IDS[protocol];
    providers[id] = {
      kind: protocol,
      baseUrl: baseUrls[protocol],
      credentials: [{ id: `${id}-key`, apiKey: `sk-bench-${id}` }],
      models: SCRIPT_KINDS.map((kind) => modelName(protocol, kind)),
    };
  }
  return {
    server: { host: "127.0.0.1", port: 0 },
    providers,
    // Requests naming a provider's model go straight to it (no classification). The
    // "routed-*" names are routes: with a category route present (longcontext), each such
    // request is decoded, its tokens estimated and classified, as a routing config does.
    routes: {
      default: [`chat/${modelName("openai-chat", "small")}`],
      longcontext: [`chat/${modelName("openai-chat", "big")}`],
      [routedModel("openai-chat")]: [`chat/${modelName("openai-chat", "big")}`],
      [routedModel("anthropic")]: [`claude/${modelName("anthropic", "big")}`],
    },
    dataDir,
    logging: { level: logLevel },
  };
}

/**
 * @typedef {{ name: string, client: Protocol, upstream: Protocol }} GatewayCase
 */

/** The latency cases: each inbound protocol passthrough, and each converted once. */
/** @type {readonly GatewayCase[]} */
export const LATENCY_CASES = [
  { name: "openai-chat passthrough", client: "openai-chat", upstream: "openai-chat" },
  { name: "openai-responses passthrough", client: "openai-responses", upstream: "openai-responses" },
  { name: "anthropic passthrough", client: "anthropic", upstream: "anthropic" },
  { name: "gemini passthrough", client: "gemini", upstream: "gemini" },
  { name: "anthropic -> openai-chat", client: "anthropic", upstream: "openai-chat" },
  { name: "openai-chat -> anthropic", client: "openai-chat", upstream: "anthropic" },
  { name: "openai-responses -> anthropic", client: "openai-responses", upstream: "anthropic" },
  { name: "gemini -> openai-chat", client: "gemini", upstream: "openai-chat" },
];

/** Throughput and streaming: passthrough and the headline conversion, over the same upstream. */
/** @type {GatewayCase} */
export const PASSTHROUGH_CASE = {
  name: "openai-chat passthrough",
  client: "openai-chat",
  upstream: "openai-chat",
};
/** @type {GatewayCase} */
export const CONVERTED_CASE = {
  name: "anthropic -> openai-chat",
  client: "anthropic",
  upstream: "openai-chat",
};
