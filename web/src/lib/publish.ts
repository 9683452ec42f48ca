// What `scripts/web.sh` publishes as the app's deployment record: the record, naming the node the
// site's users connect to. That URL is built into a public site, so one carrying credentials or a
// query is refused, and so is one the app itself would refuse to talk to (`secureNodeUrl`).

import { secureNodeUrl } from "./node";

/** The record's text to publish, or the sentence that refuses it. */
export type Published = { text: string } | { refused: string };

/**
 * The record `recordText` (JSON) to publish with the app, naming `override` as its node when
 * given (`KEEL_WEB_NODE_URL`), else the record's own. A record whose own node is published is
 * kept byte for byte.
 */
export function publishedRecord(recordText: string, override?: string): Published {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(recordText) as Record<string, unknown>;
  } catch {
    return { refused: "the deployment record is not JSON" };
  }
  const url = override || (typeof record.node_url === "string" ? record.node_url : "");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { refused: "the node URL to publish does not parse" };
  }
  const shown = `${parsed.protocol}//${parsed.host}`;
  if (parsed.username || parsed.password || parsed.search) {
    return { refused: `refusing to publish ${shown}: its URL carries credentials or a query; set KEEL_WEB_NODE_URL to a public one` };
  }
  if (!secureNodeUrl(url)) {
    return { refused: `refusing to publish ${shown}: the app connects over wss://, or ws:// to a loopback host only` };
  }
  if (url === record.node_url) return { text: recordText };
  return { text: JSON.stringify({ ...record, node_url: url }, null, 2) + "\n" };
}
