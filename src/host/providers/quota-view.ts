import type { QuotaView, TargetHealth } from "../../core/routing/quota-view.js";
import { type HealthStore, isCoolingDown, makeModelKey } from "../state/health.js";
import type { ProviderRegistry } from "./registry.js";

/**
 * The router's snapshot of health at `now`: per provider/model, whether some credential is
 * usable, the target's own cooldown, errors and penalty, and the provider's in-flight count.
 * Lazy: only the targets selection asks about are looked up.
 */
export function buildQuotaView(providers: ProviderRegistry, health: HealthStore, now: number): QuotaView {
  return {
    now,
    target(provider, model): TargetHealth {
      const runtime = providers.get(provider);
      const record = health.get(makeModelKey(provider, model));
      const cooling = isCoolingDown(record, now);
      const view: TargetHealth = {
        available: runtime?.pool.hasUsable(now) === true && !cooling && record?.disabled !== true,
        consecutiveErrors: record?.consecutiveErrors ?? 0,
        penalty: record?.penalty ?? 0,
        inFlight: runtime?.pool.totalInFlight() ?? 0,
        lastErrorAt: record?.lastErrorAt ?? 0,
      };
      if (cooling && record !== undefined) view.coolingUntil = record.cooldownUntil;
      return view;
    },
  };
}
