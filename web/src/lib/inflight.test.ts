import { describe, expect, it } from "vitest";
import { InFlight, MAX_WAIT_MS, MemoryStore, inFlightNow, type DeadlineStore, type Locks } from "./inflight";

const KEY = "keel:in-flight:s:alice";

describe("InFlight", () => {
  it("holds an account's unreported transaction open until its deadline", () => {
    const f = new InFlight();
    expect(f.openUntil("alice", 1_000)).toBeNull();
    f.note("alice", 60_000n, 1_000);
    expect(f.openUntil("alice", 59_999)).toBe(60_000n);
    expect(f.openUntil("alice", 60_000)).toBe(60_000n);
    expect(f.openUntil("bob", 1_000)).toBeNull();
    expect(f.openUntil("alice", 60_001)).toBeNull();
  });

  it("ends the wait, here and in the store, once the outcome is reported", () => {
    const store = new MemoryStore();
    const f = new InFlight(store, "s");
    f.note("alice", 60_000n, 1_000);
    expect(new InFlight(store, "s").openUntil("alice", 1_000)).toBe(60_000n);
    f.settle("alice", 60_000n);
    expect(f.openUntil("alice", 1_000)).toBeNull();
    expect(new InFlight(store, "s").openUntil("alice", 1_000)).toBeNull();
    expect(store.getItem(KEY)).toBeNull();
  });

  it("leaves another tab's later wait when settling its own", () => {
    const store = new MemoryStore();
    const mine = new InFlight(store, "s");
    mine.note("alice", 60_000n, 1_000);
    new InFlight(store, "s").note("alice", 90_000n, 1_000);
    mine.settle("alice", 60_000n);
    expect(mine.openUntil("alice", 1_000)).toBe(90_000n);
    expect(store.getItem(KEY)).toBe("90000");
  });

  it("keeps the later of two deadlines", () => {
    const f = new InFlight();
    f.note("alice", 90_000n, 1_000);
    f.note("alice", 60_000n, 1_000);
    expect(f.openUntil("alice", 80_000)).toBe(90_000n);
  });

  it("is remembered by another page on the same store (a reload, another tab), for its chain and pool only", () => {
    const store = new MemoryStore();
    new InFlight(store, "0xgenesis:pool").note("alice", 60_000n, 1_000);
    expect(new InFlight(store, "0xgenesis:pool").openUntil("alice", 1_000)).toBe(60_000n);
    expect(new InFlight(store, "0xother:pool").openUntil("alice", 1_000)).toBeNull();
    expect(new InFlight(store, "0xgenesis:pool2").openUntil("alice", 1_000)).toBeNull();
    expect(new InFlight(store, "0xgenesis:pool").openUntil("alice", 60_001)).toBeNull();
  });

  it("leaves a passed stored deadline to the other tabs: a clock ahead must not end their wait", () => {
    const store = new MemoryStore();
    new InFlight(store, "s").note("alice", 60_000n, 1_000);
    expect(new InFlight(store, "s").openUntil("alice", 3_600_000)).toBeNull();
    expect(new InFlight(store, "s").openUntil("alice", 1_000)).toBe(60_000n);
  });

  it("reads what it did not write as nothing in flight", () => {
    const store = new MemoryStore();
    const f = new InFlight(store, "s");
    for (const junk of ["", "-5", "1e9", "soon", "123456789012345678901"]) {
      store.setItem(KEY, junk);
      expect(f.openUntil("alice", 0)).toBeNull();
    }
  });

  it("forgets a stored deadline further ahead than any this app sets", () => {
    const store = new MemoryStore();
    const f = new InFlight(store, "s");
    store.setItem(KEY, String(1_000 + MAX_WAIT_MS + 1));
    expect(f.openUntil("alice", 1_000)).toBeNull();
    expect(store.getItem(KEY)).toBeNull();
    f.note("bob", BigInt(1_000 + MAX_WAIT_MS), 1_000);
    expect(f.openUntil("bob", 1_000)).toBe(BigInt(1_000 + MAX_WAIT_MS));
  });

  it("keeps its own wait, and stores it, whatever was planted in the store", () => {
    const store = new MemoryStore();
    const f = new InFlight(store, "s");
    // Just past the app's furthest deadline from now, though within it of the new deadline.
    const planted = String(1_000 + MAX_WAIT_MS + 600_000);
    store.setItem(KEY, planted);
    f.note("alice", 1_201_000n, 1_000);
    expect(store.getItem(KEY)).toBe("1201000");
    // Planted again after the note: the page's own wait holds and is written back.
    store.setItem(KEY, planted);
    expect(f.openUntil("alice", 1_000)).toBe(1_201_000n);
    expect(store.getItem(KEY)).toBe("1201000");
    // Removed by another hand: written back too, so a reload still waits.
    store.removeItem(KEY);
    expect(f.openUntil("alice", 1_000)).toBe(1_201_000n);
    expect(new InFlight(store, "s").openUntil("alice", 1_000)).toBe(1_201_000n);
  });

  it("still holds on a page whose browser refuses storage", () => {
    const refusing: DeadlineStore = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => {
        throw new Error("SecurityError");
      },
    };
    const f = new InFlight(refusing, "s");
    expect(() => f.note("alice", 60_000n, 1_000)).not.toThrow();
    expect(f.openUntil("alice", 1_000)).toBe(60_000n);
    expect(f.openUntil("alice", 60_001)).toBeNull();
  });
});

describe("inFlightNow", () => {
  it("is the chain's time once known, however far ahead the browser's clock runs", () => {
    expect(inFlightNow(3_600_000, 1_000)).toBe(1_000);
    expect(inFlightNow(1_000, 3_600_000)).toBe(3_600_000);
    expect(inFlightNow(5_000, 0)).toBe(5_000);
  });
});

/** Web Locks as the browser grants them with `ifAvailable`: a held name is refused, not queued. */
class FakeLocks implements Locks {
  readonly held = new Set<string>();
  async request<T>(name: string, _options: { ifAvailable: true }, flow: (lock: unknown) => Promise<T>): Promise<T> {
    if (this.held.has(name)) return flow(null);
    this.held.add(name);
    try {
      return await flow({ name });
    } finally {
      this.held.delete(name);
    }
  }
}

describe("InFlight.exclusively", () => {
  it("refuses a second flow for an account while the first runs, in any tab sharing the locks", async () => {
    const locks = new FakeLocks();
    const [tab1, tab2] = [new InFlight(new MemoryStore(), "s", locks), new InFlight(new MemoryStore(), "s", locks)];
    let release!: () => void;
    const first = tab1.exclusively("alice", () => new Promise<string>((r) => (release = () => r("sent"))));
    await Promise.resolve();
    expect(await tab2.exclusively("alice", async () => "twice")).toEqual({ busy: true });
    expect(await tab1.exclusively("alice", async () => "twice")).toEqual({ busy: true });
    expect(await tab2.exclusively("bob", async () => "bob's")).toEqual({ ran: "bob's" });
    expect(await new InFlight(new MemoryStore(), "other-pool", locks).exclusively("alice", async () => "elsewhere")).toEqual({ ran: "elsewhere" });
    release();
    expect(await first).toEqual({ ran: "sent" });
    expect(await tab2.exclusively("alice", async () => "after")).toEqual({ ran: "after" });
  });

  it("frees the account when a flow fails", async () => {
    const locks = new FakeLocks();
    const f = new InFlight(new MemoryStore(), "s", locks);
    await expect(f.exclusively("alice", async () => Promise.reject(new Error("node gone")))).rejects.toThrow("node gone");
    expect(await f.exclusively("alice", async () => 1)).toEqual({ ran: 1 });
  });

  it("runs the flow unguarded where the browser refuses a lock, and keeps a flow's own failure", async () => {
    const refusing: Locks = { request: () => Promise.reject(new DOMException("opaque origin", "SecurityError")) };
    const f = new InFlight(new MemoryStore(), "s", refusing);
    expect(await f.exclusively("alice", async () => 1)).toEqual({ ran: 1 });
    const failing = new InFlight(new MemoryStore(), "s", new FakeLocks());
    await expect(failing.exclusively("alice", async () => Promise.reject(new Error("flow")))).rejects.toThrow("flow");
  });

  it("runs every flow where the browser has no locks", async () => {
    const f = new InFlight(new MemoryStore(), "s");
    const both = await Promise.all([f.exclusively("alice", async () => 1), f.exclusively("alice", async () => 2)]);
    expect(both).toEqual([{ ran: 1 }, { ran: 2 }]);
  });
});

describe("InFlight.sentCount", () => {
  it("tells a flow that another tab sent meanwhile, even once that one's wait is settled", () => {
    const store = new MemoryStore();
    const [tab1, tab2] = [new InFlight(store, "s"), new InFlight(store, "s")];
    const checked = tab2.sentCount("alice");
    expect(tab2.sentSince("alice", checked)).toBe(false);
    tab1.note("alice", 60_000n, 1_000);
    tab1.settle("alice", 60_000n);
    expect(tab2.openUntil("alice", 1_000)).toBeNull();
    expect(tab2.sentSince("alice", checked)).toBe(true);
    expect(tab2.sentSince("bob", tab2.sentCount("bob"))).toBe(false);
  });

  it("counts from nothing over what it did not write", () => {
    const store = new MemoryStore();
    store.setItem("keel:sent:s:alice", "junk");
    const f = new InFlight(store, "s");
    const checked = f.sentCount("alice");
    f.note("alice", 60_000n, 1_000);
    expect(f.sentSince("alice", checked)).toBe(true);
    expect(store.getItem("keel:sent:s:alice")).toBe("1");
  });
});

describe("InFlight.settleIncluded", () => {
  const NONCE_KEY = "keel:in-flight-nonce:s:alice";

  it("ends a wait once the chain's nonce has passed its transaction's, and says so once", () => {
    const store = new MemoryStore();
    const f = new InFlight(store, "s");
    f.note("alice", 60_000n, 1_000, 5n);
    // the transaction's nonce not yet used: still held
    expect(f.settleIncluded("alice", 5n, 1_000)).toBe(false);
    expect(f.openUntil("alice", 1_000)).toBe(60_000n);
    // used: the wait ends here and for a reload, long before the deadline
    expect(f.settleIncluded("alice", 6n, 1_000)).toBe(true);
    expect(f.openUntil("alice", 1_000)).toBeNull();
    expect(new InFlight(store, "s").openUntil("alice", 1_000)).toBeNull();
    expect(store.getItem(NONCE_KEY)).toBeNull();
    expect(f.settleIncluded("alice", 7n, 1_000)).toBe(false);
  });

  it("ends a reloaded page's wait from the store", () => {
    const store = new MemoryStore();
    new InFlight(store, "s").note("alice", 60_000n, 1_000, 5n);
    const reloaded = new InFlight(store, "s");
    expect(reloaded.openUntil("alice", 1_000)).toBe(60_000n);
    expect(reloaded.settleIncluded("alice", 6n, 1_000)).toBe(true);
    expect(reloaded.openUntil("alice", 1_000)).toBeNull();
  });

  it("leaves another tab's later transaction held while its nonce is unused", () => {
    const store = new MemoryStore();
    const [tab1, tab2] = [new InFlight(store, "s"), new InFlight(store, "s")];
    tab1.note("alice", 60_000n, 1_000, 5n);
    tab2.note("alice", 90_000n, 1_000, 6n);
    // tab 1's transaction is in a block, tab 2's is not
    expect(tab1.settleIncluded("alice", 6n, 1_000)).toBe(true);
    expect(tab1.openUntil("alice", 1_000)).toBe(90_000n);
    expect(new InFlight(store, "s").openUntil("alice", 1_000)).toBe(90_000n);
    expect(tab2.settleIncluded("alice", 7n, 1_000)).toBe(true);
    expect(new InFlight(store, "s").openUntil("alice", 1_000)).toBeNull();
  });

  it("keeps to the deadline a wait noted without a nonce, or whose stored nonce it did not write", () => {
    const store = new MemoryStore();
    const f = new InFlight(store, "s");
    f.note("alice", 60_000n, 1_000);
    expect(f.settleIncluded("alice", 1_000n, 1_000)).toBe(false);
    expect(f.openUntil("alice", 1_000)).toBe(60_000n);
    store.setItem(NONCE_KEY, "60000:junk");
    const reloaded = new InFlight(store, "s");
    expect(reloaded.settleIncluded("alice", 1_000n, 1_000)).toBe(false);
    expect(reloaded.openUntil("alice", 1_000)).toBe(60_000n);
  });

  it("forgets without a word a wait whose deadline has passed", () => {
    const store = new MemoryStore();
    const f = new InFlight(store, "s");
    f.note("alice", 60_000n, 1_000, 5n);
    expect(f.settleIncluded("alice", 6n, 60_001)).toBe(false);
    expect(store.getItem(NONCE_KEY)).toBeNull();
    expect(f.openUntil("alice", 1_000)).toBeNull();
  });

  it("forgets the nonce with the wait once its outcome is reported", () => {
    const store = new MemoryStore();
    const f = new InFlight(store, "s");
    f.note("alice", 60_000n, 1_000, 5n);
    f.settle("alice", 60_000n);
    expect(store.getItem(NONCE_KEY)).toBeNull();
    expect(f.settleIncluded("alice", 6n, 1_000)).toBe(false);
  });
});
