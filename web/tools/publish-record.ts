// `scripts/web.sh`'s publishing step: `vite-node tools/publish-record.ts -- <record> <to>` writes
// the record to publish (src/lib/publish.ts), naming KEEL_WEB_NODE_URL as its node when that is
// set, or exits 1 saying why not.

import { readFileSync, writeFileSync } from "node:fs";
import { publishedRecord } from "../src/lib/publish";

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  console.error("usage: publish-record.ts -- <deployment record> <where to write it>");
  process.exit(2);
}
const published = publishedRecord(readFileSync(from, "utf8"), process.env.KEEL_WEB_NODE_URL || undefined);
if ("refused" in published) {
  console.error(published.refused);
  process.exit(1);
}
writeFileSync(to, published.text);
