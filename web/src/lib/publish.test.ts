import { describe, expect, it } from "vitest";
import { publishedRecord } from "./publish";

// Spaced as `JSON.stringify` would not write it: a record re-serialised would differ.
const RECORD = `{\n    "node_url": "ws://127.0.0.1:9944", "block": 7.0\n}`;

describe("publishedRecord", () => {
  it("keeps a record whose own node is published byte for byte", () => {
    expect(publishedRecord(RECORD)).toEqual({ text: RECORD });
    expect(publishedRecord(RECORD, "ws://127.0.0.1:9944")).toEqual({ text: RECORD });
  });

  it("names the override as the node, the rest of the record as it was", () => {
    const published = publishedRecord(RECORD, "wss://rpc.example.org/keel");
    if (!("text" in published)) throw new Error(published.refused);
    expect(JSON.parse(published.text)).toEqual({ node_url: "wss://rpc.example.org/keel", block: 7 });
  });

  it("refuses a URL carrying credentials or a query, from the record or the override", () => {
    const withSecret = RECORD.replace("ws://127.0.0.1:9944", "wss://user:pw@rpc.example.org");
    for (const [text, override] of [
      [withSecret, undefined],
      [RECORD, "wss://rpc.example.org/?apikey=1"],
      [RECORD, "wss://:token@rpc.example.org"],
    ] as const) {
      const published = publishedRecord(text, override);
      expect(published).toEqual({ refused: expect.stringMatching(/carries credentials or a query/) });
      expect(JSON.stringify(published)).not.toMatch(/pw|apikey|token/);
    }
  });

  it("refuses a node the app would not talk to, as the app judges it", () => {
    for (const bad of ["ws://rpc.example.org:9944", "ws://10.0.0.5:9944", "http://127.0.0.1:9944"]) {
      expect(publishedRecord(RECORD, bad)).toEqual({ refused: expect.stringMatching(/wss:\/\/, or ws:\/\/ to a loopback host only/) });
    }
  });

  it("refuses a record or URL that does not read", () => {
    expect(publishedRecord("{", undefined)).toEqual({ refused: "the deployment record is not JSON" });
    expect(publishedRecord(`{"node_url": 7}`)).toEqual({ refused: "the node URL to publish does not parse" });
    expect(publishedRecord(RECORD, "not a url")).toEqual({ refused: "the node URL to publish does not parse" });
  });
});
