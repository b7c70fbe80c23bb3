import { assertNever } from "../model/protocol.js";
import type { RequestFeatures } from "./features.js";
import { matchGlob } from "./match-glob.js";
import { quotePrintable as quote } from "./printable.js";

/** A custom rule from config: every condition given must hold (none given = always); `route` must exist. */
export interface Rule {
  name: string;
  route: string;
  when: {
    /** Glob over the client's model name. */
    model?: string;
    /** Header name (any case) -> glob over its value; a missing header never matches. */
    header?: Record<string, string>;
    /** Glob over the tenant id; a request without a tenant never matches. */
    tenant?: string;
    /** Prompt tokens >= minTokens. */
    minTokens?: number;
    /** Prompt tokens <= maxTokens. */
    maxTokens?: number;
    /** true: the request carries images; false: it carries none. */
    images?: boolean;
    /** true: the request declares tools or has tool calls/results in its history. */
    tools?: boolean;
    /** true: the request asks for reasoning. */
    reasoning?: boolean;
  };
}

export interface RouterSettings {
  /** Prompt tokens from which a request is `longcontext`. */
  longContextThreshold: number;
  /** Model-name globs of the small side calls coding agents make. */
  backgroundModels: string[];
  rules: Rule[];
}

/** The built-in categories, in precedence order. */
export type BuiltInCategory = "longcontext" | "background" | "thinking" | "vision" | "tools";

export const CATEGORY_PRECEDENCE: readonly BuiltInCategory[] = [
  "longcontext",
  "background",
  "thinking",
  "vision",
  "tools",
];

export const DEFAULT_LONG_CONTEXT_THRESHOLD = 180_000;

/** Claude Code's haiku side calls, and the small OpenAI/Gemini models agents use for titles and summaries. */
export const DEFAULT_BACKGROUND_MODELS: readonly string[] = [
  "claude-*haiku*",
  "*-mini",
  "*-mini-*",
  "*-nano",
  "*-nano-*",
  "gemini-*flash-lite*",
];

export const DEFAULT_ROUTER_SETTINGS: RouterSettings = {
  longContextThreshold: DEFAULT_LONG_CONTEXT_THRESHOLD,
  backgroundModels: [...DEFAULT_BACKGROUND_MODELS],
  rules: [],
};

export interface Classification {
  /** The route to use; `undefined` = no rule or category route applies (use the model's own resolution). */
  route: string | undefined;
  /** `rule:<name>`, a built-in category, or `default`. */
  category: string;
  /** One line explaining the decision (for `x-llmux-route` and the log); printable ASCII only. */
  reason: string;
}

/** What makes `rule` match, as text; `undefined` when it does not match. */
function matchRule(rule: Rule, features: RequestFeatures): string | undefined {
  const { when } = rule;
  const matched: string[] = [];
  if (when.model !== undefined) {
    if (!matchGlob(when.model, features.model)) return undefined;
    matched.push(`model ${quote(when.model)}`);
  }
  if (when.header !== undefined) {
    for (const [name, pattern] of Object.entries(when.header)) {
      const value = features.headers[name.toLowerCase()];
      if (value === undefined || !matchGlob(pattern, value)) return undefined;
      matched.push(`header ${quote(name.toLowerCase())}=${quote(pattern)}`);
    }
  }
  if (when.tenant !== undefined) {
    if (features.tenant === undefined || !matchGlob(when.tenant, features.tenant)) return undefined;
    matched.push(`tenant ${quote(when.tenant)}`);
  }
  if (when.minTokens !== undefined) {
    if (features.promptTokens < when.minTokens) return undefined;
    matched.push(`tokens ${features.promptTokens} >= ${when.minTokens}`);
  }
  if (when.maxTokens !== undefined) {
    if (features.promptTokens > when.maxTokens) return undefined;
    matched.push(`tokens ${features.promptTokens} <= ${when.maxTokens}`);
  }
  if (when.images !== undefined) {
    if (features.hasImages !== when.images) return undefined;
    matched.push(when.images ? "images" : "no images");
  }
  if (when.tools !== undefined) {
    const usesTools = features.hasTools || features.toolActivity;
    if (usesTools !== when.tools) return undefined;
    matched.push(when.tools ? "tools" : "no tools");
  }
  if (when.reasoning !== undefined) {
    if (features.wantsReasoning !== when.reasoning) return undefined;
    matched.push(when.reasoning ? "reasoning" : "no reasoning");
  }
  return matched.length === 0 ? "always" : matched.join(", ");
}

/** Why `category` applies to the request; `undefined` when it does not. */
function applies(
  category: BuiltInCategory,
  features: RequestFeatures,
  settings: RouterSettings,
): string | undefined {
  switch (category) {
    case "longcontext":
      return features.promptTokens >= settings.longContextThreshold
        ? `${features.promptTokens} prompt tokens >= ${settings.longContextThreshold}`
        : undefined;
    case "background": {
      const glob = settings.backgroundModels.find((pattern) => matchGlob(pattern, features.model));
      return glob === undefined ? undefined : `model ${quote(features.model)} matches ${quote(glob)}`;
    }
    case "thinking":
      return features.wantsReasoning ? "the request asks for reasoning" : undefined;
    case "vision":
      return features.hasImages ? "the request carries images" : undefined;
    case "tools":
      return features.toolActivity ? "tool calls or results in the history" : undefined;
    default:
      return assertNever(category, "route category");
  }
}

/**
 * Which route a request belongs on: custom rules in order first, then the built-in categories
 * (longcontext > background > thinking > vision > tools), each only when a route of that name
 * exists. Pure and deterministic.
 */
export function classifyRequest(
  features: RequestFeatures,
  settings: RouterSettings,
  routeNames: ReadonlySet<string>,
): Classification {
  for (const rule of settings.rules) {
    if (!routeNames.has(rule.route)) continue;
    const matched = matchRule(rule, features);
    if (matched !== undefined) {
      return {
        route: rule.route,
        category: `rule:${rule.name}`,
        reason: `rule ${quote(rule.name)} (${matched}) -> route ${quote(rule.route)}`,
      };
    }
  }
  const withoutRoute: string[] = [];
  for (const category of CATEGORY_PRECEDENCE) {
    const why = applies(category, features, settings);
    if (why === undefined) continue;
    if (routeNames.has(category)) {
      return { route: category, category, reason: `${category}: ${why} -> route ${quote(category)}` };
    }
    withoutRoute.push(category);
  }
  if (withoutRoute.length === 0) {
    return { route: undefined, category: "default", reason: "no rule or category applies" };
  }
  return {
    route: undefined,
    category: "default",
    reason: `no route for ${withoutRoute.join(", ")}; no rule or category route applies`,
  };
}
