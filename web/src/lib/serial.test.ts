import { describe, expect, it } from "vitest";
import { Serial } from "./serial";

describe("serial tasks", () => {
  it("run one after another in the order given, each caller waiting for those before it", async () => {
    const serial = new Serial();
    const log: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const first = serial.run(async () => { log.push("first starts"); await gate; log.push("first ends"); });
    const second = serial.run(async () => { log.push("second"); });
    await Promise.resolve();
    expect(log).toEqual(["first starts"]);
    release();
    await second;
    expect(log).toEqual(["first starts", "first ends", "second"]);
    await first;
  });

  it("reject only the caller whose task failed; the next still runs", async () => {
    const serial = new Serial();
    const failed = serial.run(async () => { throw new Error("read failed"); });
    let ran = false;
    const next = serial.run(async () => { ran = true; });
    await expect(failed).rejects.toThrow("read failed");
    await next;
    expect(ran).toBe(true);
  });
});
