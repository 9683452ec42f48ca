import { describe, expect, it } from "vitest";
import { InFlight, inFlightNow } from "./inflight";

describe("InFlight", () => {
  it("holds an account's unreported transaction open until its deadline, then forgets it", () => {
    const f = new InFlight();
    expect(f.openUntil("alice", 1_000)).toBeNull();
    f.note("alice", 60_000n);
    expect(f.openUntil("alice", 59_999)).toBe(60_000n);
    expect(f.openUntil("alice", 60_000)).toBe(60_000n);
    expect(f.openUntil("bob", 1_000)).toBeNull();
    expect(f.openUntil("alice", 60_001)).toBeNull();
    expect(f.openUntil("alice", 1_000)).toBeNull();
  });

  it("keeps the later of two deadlines", () => {
    const f = new InFlight();
    f.note("alice", 90_000n);
    f.note("alice", 60_000n);
    expect(f.openUntil("alice", 80_000)).toBe(90_000n);
  });
});

describe("inFlightNow", () => {
  it("is the chain's time once known, however far ahead the browser's clock runs", () => {
    expect(inFlightNow(3_600_000, 1_000)).toBe(1_000);
    expect(inFlightNow(1_000, 3_600_000)).toBe(3_600_000);
    expect(inFlightNow(5_000, 0)).toBe(5_000);
  });
});
