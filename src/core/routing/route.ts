import type { RouteTarget } from "./resolve-model.js";

/**
 * How a tier orders its targets: `priority` (first healthy wins, then the per-target priority
 * number, then config order), `round-robin` (health-weighted smooth weighted round robin),
 * `weighted` (random draws by explicit weight).
 */
export type TierMode = "priority" | "round-robin" | "weighted";

export const TIER_MODES: readonly TierMode[] = ["priority", "round-robin", "weighted"];

/** One `provider/model` in a tier; model `*` stands for the client's model name. */
export interface TierTarget {
  provider: string;
  model: string;
  /** `priority` mode: lower comes first; absent = 0. */
  priority?: number;
  /** `weighted` and `round-robin` modes: relative share; absent = 1, 0 = only when nothing else is left. */
  weight?: number;
}

/** A pool of targets; a `backup` tier is used only when every primary tier is unavailable. */
export interface Tier {
  mode: TierMode;
  backup: boolean;
  targets: TierTarget[];
}

/** A named, ordered list of tiers. */
export interface Route {
  name: string;
  tiers: Tier[];
}

/** The short form (a plain list of targets) as a route: one primary `priority` tier, in list order. */
export function routeFromTargets(name: string, targets: readonly RouteTarget[]): Route {
  return {
    name,
    tiers: [
      {
        mode: "priority",
        backup: false,
        targets: targets.map((target) => ({ provider: target.provider, model: target.model })),
      },
    ],
  };
}
