// What the app needs to find Keel: the deployment record `scripts/deploy.sh` writes (node URL,
// addresses, genesis), the contracts' metadata and Keel's core compiled to Wasm, from the build.
// `scripts/web.sh` copies them into `public/keel/`, so the built app serves them next to itself. The record is not trusted on
// its own: `open` (pool.ts) checks its addresses against the metadata's code hashes.

import { nodeUrl, secureNodeUrl } from "./lib/node";

export interface Deployment {
  node_url: string;
  genesis_hash: string;
  block: number;
  /** The tokens' decimals as the deployer set them; the token contracts on chain take precedence. */
  decimals: number;
  feed: number;
  /** `mirror`: the copy of the oracle's answers the pool reads; absent in records written before mirrors. */
  contracts: { base: string; quote: string; oracle: string; mirror?: string; venue: string; pool: string };
}

export interface Bundle {
  deployment: Deployment;
  /** Each contract's metadata; `venue` and `mirror` are undefined when the build does not serve them. */
  metadata: { pool: unknown; token: unknown; oracle: unknown; mirror?: unknown; venue?: unknown };
  /** Keel's core compiled to Wasm (`keel_web_core.wasm`, lib/core.ts). */
  core: ArrayBuffer;
  /** Sentences for an info banner (an ignored `?node=` override). */
  notes: string[];
}

async function bytes(path: string): Promise<ArrayBuffer> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${res.statusText}`);
  return res.arrayBuffer();
}

async function json(path: string): Promise<unknown> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${res.statusText}`);
  return res.json();
}

/**
 * A JSON file that may be absent: undefined when it cannot be fetched, on 404, or when the server
 * answers with a page instead (a dev server's fallback to index.html).
 */
async function optionalJson(path: string): Promise<unknown> {
  const res = await fetch(path, { headers: { Accept: "application/json" } }).catch(() => null);
  if (!res) return undefined;
  if (res.status === 404 || !(res.headers.get("content-type") ?? "").includes("json")) return undefined;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${res.statusText}`);
  return res.json();
}

/**
 * Loads the deployment record and metadata served under `base` (default `keel/`). The node is the
 * record's; a `?node=` override applies only when `dev` (default `import.meta.env.DEV`).
 */
export async function loadBundle(base = "keel/", dev: boolean = import.meta.env.DEV): Promise<Bundle> {
  const [deployment, pool, token, oracle, mirror, venue, core] = await Promise.all([
    json(`${base}deployment.json`),
    json(`${base}keel_pool.json`),
    json(`${base}keel_token.json`),
    json(`${base}keel_oracle.json`),
    optionalJson(`${base}keel_mirror.json`),
    optionalJson(`${base}keel_venue.json`),
    bytes(`${base}keel_web_core.wasm`),
  ]);
  const d = deployment as Deployment;
  const node = nodeUrl(d.node_url, location.search, dev);
  if (!secureNodeUrl(node.url)) {
    throw new Error(`the node ${node.url} is reached over plain ws:// on another host, where anyone on the way can rewrite its answers; Keel connects over wss://, or ws:// to this computer only.`);
  }
  return {
    deployment: { ...d, node_url: node.url },
    metadata: { pool, token, oracle, mirror, venue },
    core,
    notes: node.ignored ? [node.ignored] : [],
  };
}
