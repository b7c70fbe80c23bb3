import type { QuotaView, TargetHealth } from "./quota-view.js";
import type { ResolvedTarget } from "./resolve-model.js";
import type { TierTarget } from "./route.js";

/** A target of a tier that passed the filters, with what selection needs to order it. */
export interface Candidate {
  target: ResolvedTarget;
  /** `provider/model`: its name in state, sticky matching and explanations. */
  key: string;
  config: TierTarget;
  health: TargetHealth;
  /** Position in the tier's config list. */
  index: number;
}

/** Inputs a tier's ordering needs besides its candidates. */
export interface TierContext {
  view: QuotaView;
  random: () => number;
  /** Round-robin: ms after the last error by which a target's weight is fully back. */
  recoveryMs: number;
  /** Round-robin: this tier's current weights by candidate key (read only; updates are returned). */
  currents: Readonly<Record<string, number>>;
}

export interface TierOrder {
  /** Available candidates first, then unavailable ones. */
  ordered: Candidate[];
  /** Round-robin only: the tier's next current weights, when this tier serves. */
  nextCurrents?: Record<string, number>;
}

/** Available first, keeping the relative order of each group. */
export function partitionAvailable(candidates: readonly Candidate[]): {
  available: Candidate[];
  unavailable: Candidate[];
} {
  const available: Candidate[] = [];
  const unavailable: Candidate[] = [];
  for (const candidate of candidates) {
    (candidate.health.available ? available : unavailable).push(candidate);
  }
  return { available, unavailable };
}
