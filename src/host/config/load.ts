import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, extname, isAbsolute, join, resolve } from "node:path";
import * as v from "valibot";
import { DEFAULT_BACKGROUND_MODELS } from "../../core/routing/classify.js";
import type { RouteTarget } from "../../core/routing/resolve-model.js";
import { type Route, routeFromTargets } from "../../core/routing/route.js";
import { makeCredentialKey } from "../state/health.js";
import { builtInConfig } from "./defaults.js";
import { describeIssues } from "./describe-issues.js";
import { expandEnvironment, type MissingVariable } from "./expand-env.js";
import {
  type Credential,
  DEFAULT_BASE_URLS,
  DEFAULT_TIMEOUTS,
  definedOnly,
  protocolOfKind,
  providerModels,
  type ResolvedConfig,
  type ResolvedProvider,
  type Timeouts,
} from "./resolved.js";
import { configSchema, type LlmuxConfig, type TimeoutsConfig } from "./schema.js";

/** A config that cannot be used; `problems` lists each one as `path: message`. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`invalid configuration in ${source}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export interface LoadOptions {
  /** `--config FILE`. */
  configPath?: string;
  /** `--data-dir DIR`. */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function defaultHome(env: NodeJS.ProcessEnv): string {
  return env.LLMUX_HOME !== undefined && env.LLMUX_HOME !== ""
    ? resolve(env.LLMUX_HOME)
    : join(homedir(), ".llmux");
}

/** `--config FILE`, else ./llmux.yaml (or .yml/.json), else ~/.llmux/config.yaml ($LLMUX_HOME/config.yaml); `undefined` = none. */
export function findConfigFile(options: LoadOptions): string | undefined {
  const cwd = options.cwd ?? process.cwd();
  if (options.configPath !== undefined) return resolve(cwd, options.configPath);
  for (const name of ["llmux.yaml", "llmux.yml", "llmux.json"]) {
    const candidate = join(cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  const home = join(defaultHome(options.env ?? process.env), "config.yaml");
  return existsSync(home) ? home : undefined;
}

/** The YAML parser is loaded with the first YAML file: JSON and built-in configs never pay for it (~1 MB of RSS). */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yaml.parse(text);
}

function parseFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(path, [
      `cannot read file: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  try {
    return extname(path) === ".json" ? (JSON.parse(text) as unknown) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(path, [
      `not valid ${extname(path) === ".json" ? "JSON" : "YAML"}: ${String(error)}`,
    ]);
  }
}

function toRoute(name: string, route: LlmuxConfig["routes"][string]): Route {
  if (Array.isArray(route)) return routeFromTargets(name, route.map(parseTarget));
  return {
    name,
    tiers: route.tiers.map((tier) => ({
      mode: tier.mode,
      backup: tier.backup,
      targets: tier.targets.map((entry) => {
        if (typeof entry === "string") return parseTarget(entry);
        return {
          ...parseTarget(entry.target),
          ...definedOnly({ priority: entry.priority, weight: entry.weight }),
        };
      }),
    })),
  };
}

function parseTarget(text: string): RouteTarget {
  const slash = text.indexOf("/");
  return { provider: text.slice(0, slash), model: text.slice(slash + 1) };
}

function checkReferences(config: LlmuxConfig, problems: string[]): void {
  for (const [id, provider] of Object.entries(config.providers)) {
    if (provider.kind !== "demo" && provider.credentials.length === 0) {
      problems.push(
        `providers.${id}.credentials: at least one credential is required for kind ${provider.kind}`,
      );
    }
    const seen = new Set<string>();
    provider.credentials.forEach((credential, index) => {
      if (seen.has(credential.id))
        problems.push(`providers.${id}.credentials[${index}].id: duplicate id "${credential.id}"`);
      seen.add(credential.id);
    });
  }
  for (const [name, route] of Object.entries(config.routes)) {
    const tiers = Array.isArray(route) ? [{ targets: route }] : route.tiers;
    tiers.forEach((tier, tierIndex) => {
      tier.targets.forEach((entry, index) => {
        const target = parseTarget(typeof entry === "string" ? entry : entry.target);
        const path = Array.isArray(route)
          ? `routes.${name}[${index}]`
          : `routes.${name}.tiers[${tierIndex}].targets[${index}]`;
        if (config.providers[target.provider] === undefined)
          problems.push(`${path}: unknown provider "${target.provider}"`);
      });
    });
  }
  const isTarget = (name: string) => {
    const slash = name.indexOf("/");
    return slash > 0 && config.providers[name.slice(0, slash)] !== undefined;
  };
  for (const [alias, to] of Object.entries(config.aliases)) {
    if (config.routes[to] === undefined && !isTarget(to)) {
      problems.push(`aliases.${alias}: "${to}" is neither a route nor a provider/model target`);
    }
  }
  config.router.rules.forEach((rule, index) => {
    if (config.routes[rule.route] === undefined)
      problems.push(`router.rules[${index}].route: unknown route "${rule.route}"`);
  });
}

function mergeTimeouts(...layers: (TimeoutsConfig | undefined)[]): Timeouts {
  const merged: Timeouts = { ...DEFAULT_TIMEOUTS };
  for (const layer of layers) {
    if (layer === undefined) continue;
    for (const key of ["connectMs", "firstByteMs", "idleMs", "totalMs"] as const) {
      const value = layer[key];
      if (value !== undefined) merged[key] = value;
    }
  }
  return merged;
}

/** `~/x` from the home directory; a relative path from the config file's directory. */
function resolvePath(path: string, baseDir: string): string {
  if (path === "~" || path.startsWith("~/")) return join(homedir(), path.slice(1));
  return resolve(baseDir, path);
}

function resolveConfig(
  config: LlmuxConfig,
  source: string,
  autoProviders: string[],
  options: LoadOptions,
  env: NodeJS.ProcessEnv,
): ResolvedConfig {
  const baseDir = isAbsolute(source) ? dirname(source) : (options.cwd ?? process.cwd());
  const providers = new Map<string, ResolvedProvider>();
  for (const [id, provider] of Object.entries(config.providers)) {
    const credentials: Credential[] = provider.credentials.map((credential) => {
      const proxy =
        credential.proxy ??
        (credential.group === undefined ? undefined : config.groups[credential.group]?.proxy) ??
        provider.proxy;
      const tokenFile =
        credential.tokenFile === undefined ? undefined : resolvePath(credential.tokenFile, baseDir);
      return definedOnly({ ...credential, key: makeCredentialKey(id, credential.id), proxy, tokenFile });
    });
    providers.set(id, {
      id,
      kind: provider.kind,
      protocol: protocolOfKind(provider.kind),
      models: providerModels(provider.models),
      baseUrl: (provider.baseUrl ?? DEFAULT_BASE_URLS[provider.kind]).replace(/\/+$/, ""),
      credentials,
      headers: provider.headers ?? {},
      ...definedOnly({ authHeader: provider.authHeader, authPrefix: provider.authPrefix }),
      ...(provider.oauth === undefined ? {} : { oauth: definedOnly(provider.oauth) }),
      timeouts: mergeTimeouts(config.timeouts, provider.timeouts),
    });
  }
  const routes = new Map<string, RouteTarget[]>();
  const routeDefinitions = new Map<string, Route>();
  for (const [name, route] of Object.entries(config.routes)) {
    const definition = toRoute(name, route);
    routeDefinitions.set(name, definition);
    routes.set(
      name,
      definition.tiers.flatMap((tier) =>
        tier.targets.map((target) => ({ provider: target.provider, model: target.model })),
      ),
    );
  }
  const dataDir =
    options.dataDir !== undefined
      ? resolve(options.cwd ?? process.cwd(), options.dataDir)
      : env.LLMUX_HOME !== undefined && env.LLMUX_HOME !== ""
        ? defaultHome(env)
        : config.dataDir !== undefined
          ? resolve(config.dataDir)
          : defaultHome(env);
  return {
    server: config.server,
    logging: config.logging,
    failover: config.failover,
    quota: config.quota,
    providers,
    routing: { providers, routes },
    routes: routeDefinitions,
    aliases: config.aliases,
    router: config.router,
    routerSettings: {
      longContextThreshold: config.router.longContextThreshold,
      backgroundModels: config.router.backgroundModels ?? [...DEFAULT_BACKGROUND_MODELS],
      rules: config.router.rules.map((rule) => ({ ...rule, when: definedOnly(rule.when) })),
    },
    dataDir,
    source,
    autoProviders,
  };
}

/** Validate raw (already parsed) config data; throws ConfigError listing every problem. */
export function validateConfig(
  raw: unknown,
  source: string,
  options: LoadOptions = {},
  autoProviders: string[] = [],
): ResolvedConfig {
  const env = options.env ?? process.env;
  const missing: MissingVariable[] = [];
  const expanded = expandEnvironment(raw ?? {}, env, missing);
  const problems = missing.map((entry) => `${entry.path}: environment variable ${entry.name} is not set`);
  const parsed = v.safeParse(configSchema, expanded);
  if (!parsed.success) throw new ConfigError(source, [...problems, ...describeIssues(parsed.issues)]);
  checkReferences(parsed.output, problems);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return resolveConfig(parsed.output, source, autoProviders, options, env);
}

/** Find, read, expand and validate the configuration (built-in defaults when there is no file). */
export function loadConfig(options: LoadOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const path = findConfigFile(options);
  if (path === undefined) {
    const defaults = builtInConfig(env);
    return validateConfig(defaults.input, "built-in defaults", options, defaults.autoProviders);
  }
  if (!existsSync(path)) throw new ConfigError(path, ["file not found"]);
  return validateConfig(parseFile(path), path, options);
}
