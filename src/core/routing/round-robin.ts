import { type Candidate, partitionAvailable, type TierContext, type TierOrder } from "./candidate.js";
import type { TargetHealth } from "./quota-view.js";

/** Default time after the last error by which a target's round-robin weight is fully back. */
export const DEFAULT_RECOVERY_MS = 60_000;

/**
 * The share of its weight a target keeps: 1 / (1 + errors) right after an error (errors being the
 * larger of consecutive errors and penalty), rising linearly back to 1 over `recoveryMs`.
 */
export function healthFactor(health: TargetHealth, now: number, recoveryMs: number): number {
  const errors = Math.max(health.consecutiveErrors, health.penalty, 0);
  if (errors === 0) return 1;
  const floor = 1 / (1 + errors);
  if (health.lastErrorAt <= 0) return floor;
  const recovered = recoveryMs <= 0 ? 1 : Math.min(1, Math.max(0, (now - health.lastErrorAt) / recoveryMs));
  return floor + (1 - floor) * recovered;
}

function baseWeight(candidate: Candidate): number {
  const weight = candidate.config.weight ?? 1;
  return Number.isFinite(weight) && weight > 0 ? weight : 0;
}

/**
 * Health-weighted smooth weighted round robin (the nginx algorithm): every available target with
 * a positive weight adds its effective weight to its current weight, the largest current wins
 * (ties: config order) and gives back the total. The winner goes first, the other participants
 * follow by their new current weight; zero-weight targets and unavailable ones come after.
 */
export function orderRoundRobin(candidates: readonly Candidate[], context: TierContext): TierOrder {
  const { available, unavailable } = partitionAvailable(candidates);
  const participants: { candidate: Candidate; weight: number }[] = [];
  const idle: Candidate[] = [];
  for (const candidate of available) {
    const weight =
      baseWeight(candidate) * healthFactor(candidate.health, context.view.now, context.recoveryMs);
    if (weight > 0) participants.push({ candidate, weight });
    else idle.push(candidate);
  }
  const nextCurrents: Record<string, number> = {};
  for (const candidate of candidates) {
    const current = context.currents[candidate.key];
    if (current !== undefined && Number.isFinite(current)) nextCurrents[candidate.key] = current;
  }
  if (participants.length === 0) return { ordered: [...idle, ...unavailable], nextCurrents };

  let total = 0;
  let best: { candidate: Candidate; weight: number } | undefined;
  for (const participant of participants) {
    total += participant.weight;
    const current = (nextCurrents[participant.candidate.key] ?? 0) + participant.weight;
    nextCurrents[participant.candidate.key] = current;
    if (best === undefined || current > (nextCurrents[best.candidate.key] ?? 0)) best = participant;
  }
  const winner = best ?? participants[0]!;
  nextCurrents[winner.candidate.key] = (nextCurrents[winner.candidate.key] ?? 0) - total;

  const rest = participants
    .filter((participant) => participant !== winner)
    .sort(
      (a, b) =>
        (nextCurrents[b.candidate.key] ?? 0) - (nextCurrents[a.candidate.key] ?? 0) ||
        a.candidate.index - b.candidate.index,
    )
    .map((participant) => participant.candidate);
  return { ordered: [winner.candidate, ...rest, ...idle, ...unavailable], nextCurrents };
}
