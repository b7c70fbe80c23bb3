import type { Candidate } from "./candidate.js";
import { orderTier } from "./order-tier.js";
import { toPrintable } from "./printable.js";
import type { QuotaView } from "./quota-view.js";
import type { ProviderModel, ResolvedTarget } from "./resolve-model.js";
import { DEFAULT_RECOVERY_MS } from "./round-robin.js";
import type { Route, Tier } from "./route.js";

/**
 * What selection remembers between requests: round-robin current weights per `route#tier`
 * and target. A plain object the caller keeps (one per process, or per route table).
 */
export interface RouterState {
  roundRobin: Record<string, Record<string, number>>;
}

export function createRouterState(): RouterState {
  return { roundRobin: {} };
}

export interface SelectionNeeds {
  promptTokens: number;
  vision: boolean;
  tools: boolean;
}

export interface StickyTarget {
  provider: string;
  /** The llmux model name (`ResolvedTarget.model`). */
  model: string;
}

export interface SelectionInput {
  route: Route;
  view: QuotaView;
  /** The provider's declared entry for a model name (capabilities, context, wire name); `undefined` = none declared. */
  models: (provider: string, model: string) => ProviderModel | undefined;
  needs: SelectionNeeds;
  random: () => number;
  state: RouterState;
  sticky?: StickyTarget;
  /** The client's model name, which a `*` target stands for; without it `*` targets are filtered out. */
  clientModel?: string;
  /** Round-robin: ms after the last error by which a target's weight is fully back (default 60 s). */
  recoveryMs?: number;
}

export interface FilteredTarget {
  /** `provider/model`. */
  target: string;
  reason: string;
}

export interface Selection {
  /** Targets to try, in order. */
  ordered: ResolvedTarget[];
  /** Targets that cannot serve this request, and why. */
  filtered: FilteredTarget[];
  /** One line on how the order came about (for the log). */
  explanation: string;
}

interface OrderedTier {
  tier: Tier;
  number: number;
  ordered: Candidate[];
  nextCurrents?: Record<string, number>;
}

function label(provider: string, model: string): string {
  return toPrintable(`${provider}/${model}`, 96);
}

/** Why the declared model cannot serve the request; `undefined` when it can (or declares nothing). */
function unfitReason(model: ProviderModel | undefined, needs: SelectionNeeds): string | undefined {
  if (model === undefined) return undefined;
  if (model.context !== undefined && model.context < needs.promptTokens) {
    return `context window ${model.context} < ${needs.promptTokens} prompt tokens`;
  }
  if (needs.vision && model.capabilities !== undefined && !model.capabilities.includes("vision")) {
    return "no vision for a request with images";
  }
  if (needs.tools && model.capabilities !== undefined && !model.capabilities.includes("tools")) {
    return "no tools for a request with tools";
  }
  return undefined;
}

function collectCandidates(input: SelectionInput, filtered: FilteredTarget[]): Candidate[][] {
  const seen = new Set<string>();
  return input.route.tiers.map((tier) => {
    const candidates: Candidate[] = [];
    tier.targets.forEach((config, index) => {
      const name = config.model === "*" ? input.clientModel : config.model;
      if (name === undefined) {
        filtered.push({ target: label(config.provider, "*"), reason: "no client model name for `*`" });
        return;
      }
      const key = `${config.provider}/${name}`;
      if (seen.has(key)) return;
      seen.add(key);
      const declared = input.models(config.provider, name);
      const reason = unfitReason(declared, input.needs);
      if (reason !== undefined) {
        filtered.push({ target: label(config.provider, name), reason });
        return;
      }
      const target: ResolvedTarget = {
        provider: config.provider,
        model: name,
        upstreamModel: declared?.upstream ?? name,
      };
      const health = input.view.target(target.provider, target.upstreamModel);
      candidates.push({ target, key, config, health, index });
    });
    return candidates;
  });
}

function stateKey(route: string, tierNumber: number): string {
  return `${route}#${tierNumber}`;
}

function describeTier(entry: OrderedTier): string {
  const names = entry.ordered.map((candidate) =>
    candidate.health.available
      ? label(candidate.target.provider, candidate.target.model)
      : `${label(candidate.target.provider, candidate.target.model)} (unavailable)`,
  );
  const kind = entry.tier.backup ? "backup tier" : "tier";
  return `${kind} ${entry.number} ${entry.tier.mode} [${names.join(", ")}]`;
}

/**
 * The targets of a route to try for one request, in order: filtered by what the request needs,
 * primary tiers in config order (each by its mode, available targets first), backup tiers last;
 * a sticky target that is present and available goes first (a backup one only while no primary
 * target is available). Pure and deterministic for a given input, state and random sequence;
 * only the round-robin state of the tier expected to serve advances.
 */
export function orderTargets(input: SelectionInput): Selection {
  const filtered: FilteredTarget[] = [];
  const recoveryMs = input.recoveryMs ?? DEFAULT_RECOVERY_MS;
  const byTier = collectCandidates(input, filtered);
  const tiers: OrderedTier[] = input.route.tiers.map((tier, index) => {
    const number = index + 1;
    const order = orderTier(tier.mode, byTier[index] ?? [], {
      view: input.view,
      random: input.random,
      recoveryMs,
      currents: input.state.roundRobin[stateKey(input.route.name, number)] ?? {},
    });
    const entry: OrderedTier = { tier, number, ordered: order.ordered };
    if (order.nextCurrents !== undefined) entry.nextCurrents = order.nextCurrents;
    return entry;
  });
  const primaries = tiers.filter((entry) => !entry.tier.backup);
  const backups = tiers.filter((entry) => entry.tier.backup);
  const sequence = [...primaries, ...backups];
  const ordered = sequence.flatMap((entry) => entry.ordered);
  const notes: string[] = [
    `route "${toPrintable(input.route.name)}": ${sequence.map(describeTier).join("; ")}`,
  ];

  const primaryAvailable = primaries.some((entry) =>
    entry.ordered.some((candidate) => candidate.health.available),
  );
  const servingTier = sequence.find((entry) => entry.ordered.some((candidate) => candidate.health.available));
  if (ordered.length === 0) notes.push("no target can serve this request");
  else if (servingTier === undefined) notes.push("no target is available now");
  else if (servingTier.tier.backup) {
    notes.push(`every primary target is unavailable: backup tier ${servingTier.number} serves first`);
  }

  let stickyFirst = false;
  if (input.sticky !== undefined) {
    const { provider, model } = input.sticky;
    const position = ordered.findIndex(
      (candidate) => candidate.target.provider === provider && candidate.target.model === model,
    );
    const sticky = ordered[position];
    const name = label(provider, model);
    if (sticky === undefined) notes.push(`sticky ${name} is not in the route`);
    else if (!sticky.health.available) notes.push(`sticky ${name} is unavailable`);
    else if (primaryAvailable && backups.some((entry) => entry.ordered.includes(sticky))) {
      notes.push(`sticky ${name} is a backup target and a primary one is available`);
    } else {
      ordered.splice(position, 1);
      ordered.unshift(sticky);
      stickyFirst = true;
      notes.push(`sticky ${name} first`);
    }
  }
  if (!stickyFirst && servingTier?.nextCurrents !== undefined) {
    input.state.roundRobin[stateKey(input.route.name, servingTier.number)] = servingTier.nextCurrents;
  }
  if (filtered.length > 0) {
    notes.push(`filtered ${filtered.map((entry) => `${entry.target} (${entry.reason})`).join(", ")}`);
  }
  return {
    ordered: ordered.map((candidate) => candidate.target),
    filtered,
    explanation: notes.join("; "),
  };
}
