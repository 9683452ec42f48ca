// What the app needs to find Keel: the deployment record `scripts/deploy.sh` writes (node URL,
// addresses, genesis) and the contracts' metadata from the build. `scripts/web.sh` copies both
// into `public/keel/`, so the built app serves them next to itself.

export interface Deployment {
  node_url: string;
  genesis_hash: string;
  block: number;
  decimals: number;
  feed: number;
  contracts: { base: string; quote: string; oracle: string; venue: string; pool: string };
}

export interface Bundle {
  deployment: Deployment;
  metadata: { pool: unknown; token: unknown; oracle: unknown };
}

async function json(path: string): Promise<unknown> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${res.statusText}`);
  return res.json();
}

/** Loads the deployment record and metadata served under `base` (default `keel/`). */
export async function loadBundle(base = "keel/"): Promise<Bundle> {
  const [deployment, pool, token, oracle] = await Promise.all([
    json(`${base}deployment.json`),
    json(`${base}keel_pool.json`),
    json(`${base}keel_token.json`),
    json(`${base}keel_oracle.json`),
  ]);
  const url = new URL(location.href).searchParams.get("node");
  const d = deployment as Deployment;
  return { deployment: url ? { ...d, node_url: url } : d, metadata: { pool, token, oracle } };
}
