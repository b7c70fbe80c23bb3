import type { ReasoningEffort } from "./request.js";

/**
 * The one table between reasoning effort levels and thinking-token budgets, used in both
 * directions so a converted request stays consistent (never an effort with thinking off).
 */
const BUDGET_FOR_EFFORT: Record<Exclude<ReasoningEffort, "none">, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
  max: 65536,
};

export function budgetForEffort(effort: ReasoningEffort): number {
  return effort === "none" ? 0 : BUDGET_FOR_EFFORT[effort];
}

/** The smallest effort whose budget covers `budget` tokens. */
export function effortForBudget(budget: number): ReasoningEffort {
  if (budget <= 0) return "none";
  if (budget <= BUDGET_FOR_EFFORT.minimal) return "minimal";
  if (budget <= BUDGET_FOR_EFFORT.low) return "low";
  if (budget <= BUDGET_FOR_EFFORT.medium) return "medium";
  if (budget <= BUDGET_FOR_EFFORT.high) return "high";
  if (budget <= BUDGET_FOR_EFFORT.xhigh) return "xhigh";
  return "max";
}
