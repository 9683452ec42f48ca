import { describe, expect, it } from "vitest";
import { bandAt } from "./bandline";

describe("the band drawn at each block", () => {
  it("is the band the pool checked at that block, today's only where none was read", () => {
    // An adaptive band that widened with volatility, and a block whose market was unpriced.
    const samples = [{ trigger: 0.05 }, { trigger: 0.07 }, { trigger: null }, { trigger: 0.09 }];
    expect(bandAt(samples, 0.09)).toEqual([0.05, 0.07, 0.09, 0.09]);
  });

  it("keeps a band of zero width as read, not as missing", () => {
    expect(bandAt([{ trigger: 0 }], 0.05)).toEqual([0]);
  });
});
