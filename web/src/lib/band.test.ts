import { describe, expect, it } from "vitest";
import { bandAt } from "./band";

describe("the rebalancing band", () => {
  it("is the configured one without a rebalance cost, whatever the volatility", () => {
    expect(bandAt(0.05, 0.01, 0, 2)).toEqual({ trigger: 0.05, target: 0.01, adaptive: false });
  });

  it("is the configured one at the reference cost and volatility", () => {
    const b = bandAt(0.05, 0.01, 30, 0.8);
    expect(b.trigger).toBeCloseTo(0.05, 12);
    expect(b.target).toBeCloseTo(0.01, 12);
    expect(b.adaptive).toBe(true);
  });

  it("widens with cost and narrows with volatility, as a cube root", () => {
    expect(bandAt(0.05, 0.01, 240, 0.8).trigger).toBeCloseTo(0.1, 12);
    expect(bandAt(0.05, 0.01, 30, 0.8 * Math.sqrt(8)).trigger).toBeCloseTo(0.05 / 2, 12);
    const costs = [10, 20, 40, 80, 160].map((c) => bandAt(0.05, 0.01, c, 0.8).trigger);
    expect([...costs].sort((a, b) => a - b)).toEqual(costs);
    const vols = [0.2, 0.4, 0.8, 1.6].map((v) => bandAt(0.05, 0.01, 40, v).trigger);
    expect([...vols].sort((a, b) => b - a)).toEqual(vols);
  });

  it("moves at most half or twice, the trigger stays within 1% and 100%", () => {
    expect(bandAt(0.05, 0.01, 1000, 0.01).trigger).toBeCloseTo(0.1, 12);
    expect(bandAt(0.05, 0.01, 1, 10).trigger).toBeCloseTo(0.025, 12);
    expect(bandAt(0.015, 0.005, 1, 10).trigger).toBe(0.01);
    expect(bandAt(0.8, 0.5, 1000, 0.01).trigger).toBe(1);
  });
});
