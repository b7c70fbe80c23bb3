import { LlmuxError } from "../model/errors.js";
import type { Protocol } from "../model/protocol.js";
import { compileGlob, isGlob } from "./glob.js";

/** A model a provider serves: a client-facing name (or glob) and its wire name upstream. */
export type ModelCapability = "tools" | "vision" | "reasoning";

export interface ProviderModel {
  name: string;
  /** Wire name; absent = the client-facing name (for a glob: the client's own name). */
  upstream?: string;
  /** Context window in tokens, when known. */
  context?: number;
  maxOutput?: number;
  /** Absent = not declared (assumed capable). */
  capabilities?: ModelCapability[];
}

export interface RoutingProvider {
  id: string;
  /** The wire protocol it speaks; `undefined` for the demo model, which speaks every protocol. */
  protocol: Protocol | undefined;
  /** Empty = the provider accepts any model name. */
  models: ProviderModel[];
}

/** `provider/model`; model `*` stands for the client's model name. */
export interface RouteTarget {
  provider: string;
  model: string;
}

export interface RoutingTable {
  providers: ReadonlyMap<string, RoutingProvider>;
  routes: ReadonlyMap<string, readonly RouteTarget[]>;
}

/** A target made concrete for one request. */
export interface ResolvedTarget {
  provider: string;
  /** The name the target is known by in llmux (`provider/model` text uses it). */
  model: string;
  /** The wire name sent upstream. */
  upstreamModel: string;
}

export interface Resolution {
  /** The route name that matched, or `provider/model` for a direct target, or the provider-list match. */
  route: string;
  targets: ResolvedTarget[];
}

interface CompiledModel {
  model: ProviderModel;
  glob: RegExp | undefined;
}

const compiledCache = new WeakMap<RoutingProvider, CompiledModel[]>();

function compiledModels(provider: RoutingProvider): CompiledModel[] {
  let compiled = compiledCache.get(provider);
  if (compiled === undefined) {
    compiled = provider.models.map((model) => ({
      model,
      glob: isGlob(model.name) ? compileGlob(model.name) : undefined,
    }));
    compiledCache.set(provider, compiled);
  }
  return compiled;
}

/** The provider's entry for `name`, exact names before globs; `undefined` when it does not serve it. */
export function findProviderModel(provider: RoutingProvider, name: string): ResolvedTarget | undefined {
  if (provider.models.length === 0) return { provider: provider.id, model: name, upstreamModel: name };
  const compiled = compiledModels(provider);
  for (const entry of compiled) {
    if (entry.glob === undefined && entry.model.name === name) {
      return { provider: provider.id, model: name, upstreamModel: entry.model.upstream ?? name };
    }
  }
  for (const entry of compiled) {
    if (entry.glob?.test(name)) {
      return { provider: provider.id, model: name, upstreamModel: entry.model.upstream ?? name };
    }
  }
  return undefined;
}

function resolveTarget(
  table: RoutingTable,
  target: RouteTarget,
  clientModel: string,
): ResolvedTarget | undefined {
  const provider = table.providers.get(target.provider);
  if (provider === undefined) return undefined;
  const name = target.model === "*" ? clientModel : target.model;
  return findProviderModel(provider, name);
}

function resolveRoute(table: RoutingTable, name: string, clientModel: string): Resolution | undefined {
  const route = table.routes.get(name);
  if (route === undefined) return undefined;
  const targets: ResolvedTarget[] = [];
  for (const target of route) {
    const resolved = resolveTarget(table, target, clientModel);
    if (resolved !== undefined) targets.push(resolved);
  }
  return { route: name, targets };
}

/**
 * A client's `model` -> the targets to try, in order: a route of that name; a direct
 * `provider/model`; the providers whose model list names it (same-protocol providers first,
 * so traffic stays on the passthrough path); otherwise the `default` route.
 */
export function resolveModel(table: RoutingTable, clientModel: string, clientProtocol: Protocol): Resolution {
  const byRoute = resolveRoute(table, clientModel, clientModel);
  if (byRoute !== undefined) return byRoute;

  const slash = clientModel.indexOf("/");
  if (slash > 0) {
    const provider = table.providers.get(clientModel.slice(0, slash));
    if (provider !== undefined) {
      const resolved = findProviderModel(provider, clientModel.slice(slash + 1));
      if (resolved === undefined) {
        throw new LlmuxError(
          "not_found",
          `provider "${provider.id}" has no model "${clientModel.slice(slash + 1)}"`,
          {
            param: "model",
          },
        );
      }
      return { route: clientModel, targets: [resolved] };
    }
  }

  const listed: ResolvedTarget[] = [];
  const others: ResolvedTarget[] = [];
  for (const provider of table.providers.values()) {
    if (provider.models.length === 0) continue;
    const resolved = findProviderModel(provider, clientModel);
    if (resolved === undefined) continue;
    if (provider.protocol === undefined || provider.protocol === clientProtocol) listed.push(resolved);
    else others.push(resolved);
  }
  if (listed.length + others.length > 0) return { route: clientModel, targets: [...listed, ...others] };

  const fallback = resolveRoute(table, "default", clientModel);
  if (fallback !== undefined && fallback.targets.length > 0) return fallback;
  throw new LlmuxError(
    "not_found",
    `no route or provider serves model "${clientModel}" and there is no default route`,
    {
      param: "model",
    },
  );
}
