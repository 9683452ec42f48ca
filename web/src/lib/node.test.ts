import { describe, expect, it } from "vitest";
import { nodeUrl, secureNodeUrl } from "./node";

const RECORD = "ws://127.0.0.1:9944";

describe("nodeUrl", () => {
  it("is the record's node when there is no override", () => {
    expect(nodeUrl(RECORD, "", false)).toEqual({ url: RECORD });
    expect(nodeUrl(RECORD, "?x=1", true)).toEqual({ url: RECORD });
  });

  it("takes a ws or wss override in a development build", () => {
    expect(nodeUrl(RECORD, "?node=ws://127.0.0.1:9945", true)).toEqual({ url: "ws://127.0.0.1:9945" });
    expect(nodeUrl(RECORD, "?node=wss%3A%2F%2Fexample.org", true)).toEqual({ url: "wss://example.org" });
  });

  it("ignores any override in a production build, and says so", () => {
    const choice = nodeUrl(RECORD, "?node=wss://evil.example", false);
    expect(choice.url).toBe(RECORD);
    expect(choice.ignored).toBe(`The ?node= override was ignored: this build connects only to the deployment's node (${RECORD}).`);
  });

  it("ignores an override that is not a websocket URL, even in development", () => {
    for (const bad of ["?node=http://example.org", "?node=javascript:alert(1)", "?node=not a url", "?node="]) {
      const choice = nodeUrl(RECORD, bad, true);
      expect(choice.url).toBe(RECORD);
      expect(choice.ignored).toMatch(/was ignored: it is not a ws:\/\/ or wss:\/\/ URL/);
    }
  });
});

describe("secureNodeUrl", () => {
  it("takes wss anywhere and ws to a loopback host", () => {
    for (const ok of ["wss://rpc.example.org", "wss://10.0.0.5:9944", "ws://127.0.0.1:9944", "ws://127.1.2.3", "ws://localhost:9944", "ws://[::1]:9944"]) {
      expect(secureNodeUrl(ok), ok).toBe(true);
    }
  });

  it("refuses ws to any other host, other schemes and what does not parse", () => {
    for (const bad of ["ws://rpc.example.org", "ws://10.0.0.5:9944", "ws://127.0.0.1.evil.org", "ws://localhost.evil.org", "http://127.0.0.1:9944", "https://rpc.example.org", "not a url", ""]) {
      expect(secureNodeUrl(bad), bad).toBe(false);
    }
  });
});
