// Routing cost of a 100k-token prompt (issue 6), in-process: the token count for thresholds,
// the request's features, classification and target ordering, as src/host/pipeline/route-request.ts
// runs them. Far from the long-context threshold only the estimate runs; near it the prompt is
// counted with tiktoken (sampled beyond 256k characters). Decoding the request is measured apart.
import { ADAPTERS } from "../dist/core/protocols/registry.js";
import { classifyRequest, DEFAULT_ROUTER_SETTINGS } from "../dist/core/routing/classify.js";
import { featuresOf } from "../dist/core/routing/features.js";
import { HEALTHY_TARGET } from "../dist/core/routing/quota-view.js";
import { routeFromTargets } from "../dist/core/routing/route.js";
import { createRouterState, orderTargets } from "../dist/core/routing/select.js";
import { tokensForThreshold } from "../dist/core/tokenizer/near-threshold.js";
import { hostContext } from "../dist/host/control/kernel.js";
import { createTiktokenCounter } from "../dist/host/tokenizer/tiktoken-counter.js";
import { summarizeFields } from "./stats.mjs";

/**
 * About 100k tokens of mixed English and code, as an Anthropic Messages body.
 * @returns {Record<string, unknown>}
 */
export function hundredThousandTokenPrompt() {
  const paragraph =
    "The gateway routes each request to a provider by model, context size and quota. " +
    "function route(request) { return pools.find((pool) => pool.accepts(request)); }\n";
  // ~470 KB: the character-class estimate puts it at about 100k o200k tokens.
  const text = paragraph.repeat(Math.ceil(470_000 / paragraph.length));
  return { model: "routed-model", max_tokens: 1024, messages: [{ role: "user", content: text }] };
}

/**
 * @param {() => void} once
 * @param {number} budgetMs
 */
function cpuPerCall(once, budgetMs) {
  const deadline = performance.now() + budgetMs;
  const before = process.cpuUsage();
  let calls = 0;
  while (calls < 10_000 && (calls === 0 || performance.now() < deadline)) {
    once();
    calls++;
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

/**
 * CPU per routing decision for a 100k-token prompt, far from and near the threshold.
 * @param {{ reps: number, budgetMs: number }} options
 */
export function benchRoutingClassification(options) {
  const core = hostContext();
  const body = hundredThousandTokenPrompt();
  const request = ADAPTERS.anthropic.decodeRequest(body, {}, core).request;
  const counter = createTiktokenCounter();
  const routeNames = new Set(["default", "longcontext", "routed-model"]);
  const route = routeFromTargets("routed-model", [{ provider: "chat", model: "chat-big" }]);
  const view = { now: 0, target: () => HEALTHY_TARGET };
  const state = createRouterState();
  const headers = { "content-type": "application/json", "anthropic-version": "2023-06-01" };
  /** @param {number} threshold */
  const routeOnce = (threshold) => {
    const tokens = tokensForThreshold(request, threshold, counter).tokens;
    const features = featuresOf(request, tokens, headers);
    classifyRequest(features, { ...DEFAULT_ROUTER_SETTINGS, longContextThreshold: threshold }, routeNames);
    orderTargets({
      route,
      view,
      models: () => undefined,
      needs: { promptTokens: tokens, vision: features.hasImages, tools: features.hasTools },
      random: Math.random,
      state,
      clientModel: "routed-model",
    });
    return tokens;
  };
  const estimate = tokensForThreshold(request, DEFAULT_ROUTER_SETTINGS.longContextThreshold, counter);
  const near = tokensForThreshold(request, estimate.estimate, counter);
  routeOnce(estimate.estimate);
  const runs = [];
  for (let rep = 0; rep < options.reps; rep++) {
    runs.push({
      decodeUs: cpuPerCall(() => ADAPTERS.anthropic.decodeRequest(body, {}, core), options.budgetMs),
      routeFarUs: cpuPerCall(() => routeOnce(DEFAULT_ROUTER_SETTINGS.longContextThreshold), options.budgetMs),
      routeNearUs: cpuPerCall(() => routeOnce(estimate.estimate), options.budgetMs * 2),
    });
  }
  counter.free();
  return {
    status: "measured",
    note: "routeFar: estimate only (threshold 180k); routeNear: threshold = the estimate, counted with tiktoken",
    promptChars: JSON.stringify(body).length,
    estimatedTokens: estimate.estimate,
    nearMethod: near.method,
    nearTokens: near.tokens,
    ...summarizeFields(runs),
  };
}
