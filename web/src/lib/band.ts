/**
 * The rebalancing band the pool checks now, for display: `keel_core::band`'s rule in floats.
 * With no rebalance cost configured the band is the configured trigger and target; otherwise both
 * scale by (cost / 30 bps * (80% / volatility)^2)^(1/3), within [1/2, 2], the trigger within
 * [1%, 100%] and the target below it. The pool's own integer rule decides; this draws it.
 */

/** The cost and volatility the configured trigger and target are the band at. */
export const REFERENCE_COST_BPS = 30;
export const REFERENCE_VOLATILITY = 0.8;
const FACTOR_FLOOR = 0.5;
const FACTOR_CEIL = 2;
const MIN_TRIGGER = 0.01;

export interface Band {
  trigger: number;
  target: number;
  /** Whether the band follows volatility (a rebalance cost is configured). */
  adaptive: boolean;
}

/** The band at `volatility` (annualised, 0.8 = 80%) for a pool configured with `trigger`,
 * `target` (fractions of its value) and `costBps`. */
export function bandAt(trigger: number, target: number, costBps: number, volatility: number): Band {
  if (costBps === 0) return { trigger, target, adaptive: false };
  const ratio = volatility > 0 ? REFERENCE_VOLATILITY / volatility : Infinity;
  const raw = Math.cbrt((costBps / REFERENCE_COST_BPS) * ratio * ratio);
  const factor = Math.min(FACTOR_CEIL, Math.max(FACTOR_FLOOR, raw));
  const t = Math.min(1, Math.max(MIN_TRIGGER, trigger * factor));
  return { trigger: t, target: Math.min(target * factor, t), adaptive: true };
}
