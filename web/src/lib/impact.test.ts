import { describe, expect, it } from "vitest";
import { impactLevel, impactWarning, mayProceed, worstImpactBps } from "./impact";

describe("price impact levels", () => {
  it("rise at 1%, 3% and 5%, ask above 10% and block above 15%", () => {
    expect([0, 99.99, 100, 299, 300, 499, 500, 1_000, 1_000.01, 1_500, 1_500.01].map((b) => impactLevel(b, false)))
      .toEqual(["low", "low", "notice", "notice", "warning", "warning", "high", "high", "confirm", "confirm", "blocked"]);
  });

  it("in expert mode ask for a confirmation instead of blocking", () => {
    expect(impactLevel(5_000, true)).toBe("confirm");
    expect(impactLevel(1_200, true)).toBe("confirm");
    expect(impactLevel(200, true)).toBe("notice");
  });

  it("a trade better than the oracle says nothing", () => {
    expect(impactLevel(-50, false)).toBe("low");
    expect(impactWarning("low", -50)).toBeNull();
  });
});

describe("signing at a level", () => {
  it("needs the typed word above 10%, whatever its case and spaces", () => {
    expect(mayProceed("confirm", "")).toBe(false);
    expect(mayProceed("confirm", "yes")).toBe(false);
    expect(mayProceed("confirm", " Confirm ")).toBe(true);
  });

  it("is never allowed when blocked, and always below 10%", () => {
    expect(mayProceed("blocked", "confirm")).toBe(false);
    for (const level of ["low", "notice", "warning", "high"] as const) expect(mayProceed(level, "")).toBe(true);
  });

  it("each warning says the impact", () => {
    expect(impactWarning("high", 612)).toMatch(/6\.12%/);
    expect(impactWarning("blocked", 1_610)).toMatch(/blocked/);
    expect(impactWarning("confirm", 1_100)).toMatch(/Type "confirm"/);
    expect(impactWarning("notice", 150)).toMatch(/^Price impact up to 1\.50%/);
  });
});

describe("the worst fill", () => {
  const E18 = 10n ** 18n;

  it("is the quote at the tolerance's limit: the least received, or the most paid", () => {
    // Selling 100 base quoted 950 quote at an oracle of 10: 5% impact, up to 5.95% at 1% tolerance.
    expect(worstImpactBps({ sellBase: true, exactOut: false }, 100n * E18, 950n * E18, 0, 10n * E18)).toBeCloseTo(500, 6);
    expect(worstImpactBps({ sellBase: true, exactOut: false }, 100n * E18, 950n * E18, 100, 10n * E18)).toBeCloseTo(595, 6);
    // Buying 100 base for 1,050 quote: 5% impact, up to 6.05% paying 1% more.
    expect(worstImpactBps({ sellBase: false, exactOut: true }, 1_050n * E18, 100n * E18, 100, 10n * E18)).toBeCloseTo(605, 6);
  });

  it("carries a 9.9% quote past 10% at a wide tolerance", () => {
    const worst = worstImpactBps({ sellBase: true, exactOut: false }, 100n * E18, 901n * E18, 5_000, 10n * E18);
    expect(impactLevel(worst, false)).toBe("blocked");
  });
});
