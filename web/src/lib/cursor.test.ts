import { describe, expect, it } from "vitest";
import { ScanCursor } from "./cursor";

describe("ScanCursor", () => {
  it("scans from the start to the tip, then only new blocks", () => {
    const c = new ScanCursor<string>(10);
    const first = c.claim(12)!;
    expect(first).toEqual({ from: 10, to: 12 });
    c.commit(first, ["a"]);
    expect(c.scanned).toBe(12);
    expect(c.claim(12)).toBeNull();
    const second = c.claim(13)!;
    expect(second).toEqual({ from: 13, to: 13 });
    c.commit(second, ["b", "c"]);
    expect(c.items).toEqual(["a", "b", "c"]);
  });

  it("claims nothing while a scan is under way, so no block is read twice", () => {
    const c = new ScanCursor<number>(0);
    const r = c.claim(5)!;
    expect(c.claim(6)).toBeNull();
    c.commit(r, [1]);
    expect(c.claim(6)).toEqual({ from: 6, to: 6 });
  });

  it("caps each claim at the batch size and continues where it stopped", () => {
    const c = new ScanCursor<number>(1, 3);
    const a = c.claim(10)!;
    expect(a).toEqual({ from: 1, to: 3 });
    c.commit(a, []);
    expect(c.claim(10)).toEqual({ from: 4, to: 6 });
  });

  it("gives a failed range back to be scanned again", () => {
    const c = new ScanCursor<number>(5);
    const r = c.claim(8)!;
    c.release(r);
    expect(c.scanned).toBe(4);
    expect(c.claim(8)).toEqual({ from: 5, to: 8 });
  });

  it("refuses to commit a range it did not hand out", () => {
    const c = new ScanCursor<number>(5);
    expect(() => c.commit({ from: 5, to: 8 }, [])).toThrow();
    c.claim(8);
    expect(() => c.commit({ from: 5, to: 9 }, [])).toThrow();
  });

  it("says it is busy from a claim until its commit or release", () => {
    const c = new ScanCursor<number>(5);
    expect(c.busy).toBe(false);
    const r = c.claim(8);
    expect(c.busy).toBe(true);
    c.release(r!);
    expect(c.busy).toBe(false);
    c.commit(c.claim(8)!, []);
    expect(c.busy).toBe(false);
  });

  it("is before the start until something is scanned", () => {
    expect(new ScanCursor(100).scanned).toBe(99);
    expect(new ScanCursor(100).claim(99)).toBeNull();
  });
});
