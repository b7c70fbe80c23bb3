import { assertNever } from "../model/protocol.js";
import { type Candidate, partitionAvailable, type TierContext, type TierOrder } from "./candidate.js";
import { orderRoundRobin } from "./round-robin.js";
import type { TierMode } from "./route.js";

function byPriority(a: Candidate, b: Candidate): number {
  return (a.config.priority ?? 0) - (b.config.priority ?? 0) || a.index - b.index;
}

/** `priority`: available first, then the priority number (lower first), then config order. */
export function orderPriority(candidates: readonly Candidate[]): TierOrder {
  const { available, unavailable } = partitionAvailable(candidates);
  return { ordered: [...available.sort(byPriority), ...unavailable.sort(byPriority)] };
}

function positiveWeight(candidate: Candidate): number {
  const weight = candidate.config.weight ?? 1;
  return Number.isFinite(weight) && weight > 0 ? weight : 0;
}

/**
 * `weighted`: available targets with a positive weight drawn one by one without replacement,
 * each with probability weight / remaining total (one `random()` per draw but the last); then
 * zero-weight ones and unavailable ones in config order.
 */
export function orderWeighted(candidates: readonly Candidate[], random: () => number): TierOrder {
  const { available, unavailable } = partitionAvailable(candidates);
  const pool = available.filter((candidate) => positiveWeight(candidate) > 0);
  const idle = available.filter((candidate) => positiveWeight(candidate) === 0);
  const drawn: Candidate[] = [];
  let total = pool.reduce((sum, candidate) => sum + positiveWeight(candidate), 0);
  while (pool.length > 1) {
    const draw = Math.min(Math.max(random(), 0), 1) * total;
    let chosen = pool.length - 1;
    let cumulative = 0;
    for (let index = 0; index < pool.length; index++) {
      cumulative += positiveWeight(pool[index]!);
      if (draw < cumulative) {
        chosen = index;
        break;
      }
    }
    const [picked] = pool.splice(chosen, 1);
    drawn.push(picked!);
    total -= positiveWeight(picked!);
  }
  return { ordered: [...drawn, ...pool, ...idle, ...unavailable] };
}

/** A tier's candidates in the order its mode gives, available ones first. */
export function orderTier(mode: TierMode, candidates: readonly Candidate[], context: TierContext): TierOrder {
  switch (mode) {
    case "priority":
      return orderPriority(candidates);
    case "round-robin":
      return orderRoundRobin(candidates, context);
    case "weighted":
      return orderWeighted(candidates, context.random);
    default:
      return assertNever(mode, "tier mode");
  }
}
