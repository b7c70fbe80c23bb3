import type { JsonObject } from "../../core/model/json.js";
import type { Protocol } from "../../core/model/protocol.js";
import type { CanonicalRequest } from "../../core/model/request.js";
import { resolveAlias } from "../../core/routing/aliases.js";
import { CATEGORY_PRECEDENCE, classifyRequest } from "../../core/routing/classify.js";
import { featuresOf } from "../../core/routing/features.js";
import { findDeclaredModel } from "../../core/routing/find-declared-model.js";
import { type ResolvedTarget, resolveModel } from "../../core/routing/resolve-model.js";
import type { Route } from "../../core/routing/route.js";
import { orderTargets } from "../../core/routing/select.js";
import { sessionIdOf } from "../../core/routing/session.js";
import type { App } from "../control/app.js";
import { buildQuotaView } from "../providers/quota-view.js";
import type { ClientBody } from "./client-body.js";
import type { RequestContext } from "./context.js";

/** Where a request goes, and why. */
export interface RoutingDecision {
  /** The route (or direct target) name. */
  route: string;
  /** One line: why this route (category, rule, alias, model list ...). */
  reason: string;
  targets: ResolvedTarget[];
  /** How selection ordered the targets (for the log). */
  explanation: string;
  sessionId?: string;
  /** The credential a sticky session used last, to prefer it. */
  stickyCredential?: string;
}

export interface RouteInput {
  clientModel: string;
  body: ClientBody;
  /** The decoded request, computed on first use (passthrough traffic may never need it). */
  canonical: () => CanonicalRequest;
}

/** The body fields a session id may come from (the body is not parsed for them). */
function sessionFields(body: ClientBody): JsonObject {
  const fields: JsonObject = {};
  const metadata = body.field("metadata");
  if (metadata !== undefined) fields.metadata = metadata;
  const cacheKey = body.field("prompt_cache_key");
  if (cacheKey !== undefined) fields.prompt_cache_key = cacheKey;
  return fields;
}

/** Per route: whether some target declares a context window or capabilities (computed once). */
const routeDeclares = new WeakMap<Route, boolean>();

function routeNeedsFeatures(app: App, route: Route): boolean {
  let declares = routeDeclares.get(route);
  if (declares === undefined) {
    declares = route.tiers.some((tier) =>
      tier.targets.some((target) => {
        const provider = app.config.providers.get(target.provider);
        const declared = provider === undefined ? undefined : findDeclaredModel(provider, target.model);
        return declared?.context !== undefined || declared?.capabilities !== undefined;
      }),
    );
    routeDeclares.set(route, declares);
  }
  return declares;
}

/** Per configuration: the token thresholds and route names classification uses (computed once). */
const classifierInputs = new WeakMap<App["config"], { thresholds: number[]; routeNames: Set<string> }>();

function classifierInputsOf(app: App): { thresholds: number[]; routeNames: Set<string> } {
  let inputs = classifierInputs.get(app.config);
  if (inputs === undefined) {
    inputs = { thresholds: tokenThresholds(app), routeNames: new Set(app.config.routes.keys()) };
    classifierInputs.set(app.config, inputs);
  }
  return inputs;
}

/**
 * Every token count a decision compares with (the long-context threshold, rule bounds, the
 * declared context windows): the prompt is counted exactly only near one of them.
 */
function tokenThresholds(app: App): number[] {
  const thresholds = new Set([app.config.router.longContextThreshold]);
  for (const rule of app.config.router.rules) {
    if (rule.when.minTokens !== undefined) thresholds.add(rule.when.minTokens);
    if (rule.when.maxTokens !== undefined) thresholds.add(rule.when.maxTokens);
  }
  for (const provider of app.config.providers.values())
    for (const model of provider.models) if (model.context !== undefined) thresholds.add(model.context);
  return [...thresholds];
}

/** Per configuration: whether any rule or category route exists (computed once). */
const classifying = new WeakMap<App["config"], boolean>();

function classificationPossible(app: App): boolean {
  let possible = classifying.get(app.config);
  if (possible === undefined) {
    const routes = app.config.routes;
    possible =
      app.config.router.rules.length > 0 || CATEGORY_PRECEDENCE.some((category) => routes.has(category));
    classifying.set(app.config, possible);
  }
  return possible;
}

/**
 * Model name -> alias -> route or direct target; for routes, classification (rules, then the
 * built-in categories that have a route), then selection over the route's tiers with the
 * current health, stickiness and capability filters. A direct `provider/model` or a model a
 * provider lists is the client's explicit choice: no classification.
 */
export function routeRequest(app: App, context: RequestContext, input: RouteInput): RoutingDecision {
  const protocol: Protocol = context.protocol;
  const alias = resolveAlias(input.clientModel, app.config.aliases);
  const name = alias ?? input.clientModel;
  const resolution = resolveModel(app.config.routing, name, protocol);
  let routeName = resolution.route;
  let reason = alias === undefined ? `model ${input.clientModel}` : `alias ${input.clientModel} -> ${alias}`;
  const baseRoute = app.config.routes.get(routeName);
  if (baseRoute === undefined) {
    return {
      route: routeName,
      reason: `${reason}: direct target`,
      targets: resolution.targets,
      explanation: "as listed",
    };
  }
  if (routeName === "default" && name !== "default") reason = `${reason}: no route of that name, default`;

  const headers = context.request.headers;
  let promptTokens = 0;
  let features: ReturnType<typeof featuresOf> | undefined;
  const classify = classificationPossible(app);
  if (classify || routeNeedsFeatures(app, baseRoute)) {
    const request = input.canonical();
    promptTokens = app.tokens.forThreshold(request, classifierInputsOf(app).thresholds);
    features = featuresOf(request, promptTokens, headers, context.tenant);
  }
  if (features !== undefined && classify) {
    const classification = classifyRequest(
      features,
      app.config.routerSettings,
      classifierInputsOf(app).routeNames,
    );
    if (classification.route !== undefined) {
      routeName = classification.route;
      reason = classification.reason;
    }
  }
  const route = app.config.routes.get(routeName) ?? baseRoute;

  const decision: RoutingDecision = { route: route.name, reason, targets: [], explanation: "" };
  let sticky: { provider: string; model: string } | undefined;
  if (app.config.router.sticky.enabled) {
    const sessionId = sessionIdOf(protocol, sessionFields(input.body), headers);
    if (sessionId !== undefined) {
      decision.sessionId = sessionId;
      const binding = app.sticky.get(`${route.name}\u0000${sessionId}`, Date.now());
      if (binding !== undefined) {
        sticky = { provider: binding.provider, model: binding.model };
        if (binding.credentialKey !== undefined) decision.stickyCredential = binding.credentialKey;
      }
    }
  }
  const selection = orderTargets({
    route,
    view: buildQuotaView(app.providers, app.health, Date.now()),
    models: (provider, model) => {
      const config = app.config.providers.get(provider);
      return config === undefined ? undefined : findDeclaredModel(config, model);
    },
    needs: {
      promptTokens,
      vision: features?.hasImages ?? false,
      tools: features?.hasTools ?? false,
    },
    random: Math.random,
    state: app.routerState,
    clientModel: input.clientModel,
    ...(sticky === undefined ? {} : { sticky }),
  });
  decision.targets = selection.ordered;
  decision.explanation = selection.explanation;
  return decision;
}

/** Remember where a sticky session was served. */
export function rememberSession(
  app: App,
  decision: RoutingDecision,
  target: ResolvedTarget,
  credentialKey: string,
): void {
  if (decision.sessionId === undefined) return;
  app.sticky.set(
    `${decision.route}\u0000${decision.sessionId}`,
    { provider: target.provider, model: target.model, credentialKey },
    Date.now(),
  );
}
