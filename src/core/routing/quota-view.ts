/** Health of one provider/model target as the router sees it, at the view's `now`. */
export interface TargetHealth {
  /** Some credential of the provider is usable now and the target itself is not cooling down or disabled. */
  available: boolean;
  /** Unix ms until which the target rests, when it does. */
  coolingUntil?: number;
  consecutiveErrors: number;
  /** How much the router down-weights the target; 0 = none. */
  penalty: number;
  /** Requests to the target in flight now. */
  inFlight: number;
  /** Unix ms of the last error; 0 = never. */
  lastErrorAt: number;
}

/**
 * A snapshot of health, cooldowns, penalties and in-flight counts for selection. The host
 * builds it from its stores; `model` is the wire name (`ResolvedTarget.upstreamModel`), the
 * same name health keys use (`makeModelKey(provider, upstreamModel)`).
 */
export interface QuotaView {
  now: number;
  target(provider: string, model: string): TargetHealth;
}

/** A target nobody has heard anything bad about. */
export const HEALTHY_TARGET: TargetHealth = {
  available: true,
  consecutiveErrors: 0,
  penalty: 0,
  inFlight: 0,
  lastErrorAt: 0,
};
