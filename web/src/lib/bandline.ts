// The rebalance band the health page's q chart draws at each block: the band the pool checked
// at that block, where it was read, so an adaptive band's past width shows as it was.

/**
 * The trigger (|q|, a fraction) to draw at each sample: the sample's own where it was read, else
 * `today`'s (a block whose market the pool could not price checked no band; today's is drawn
 * there rather than a gap, as the gauge draws the configured band).
 */
export function bandAt(samples: readonly { trigger: number | null }[], today: number): number[] {
  return samples.map((s) => s.trigger ?? today);
}
