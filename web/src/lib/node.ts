// Which node the app connects to. The deployment record names it; a `?node=` URL parameter may
// point a development build elsewhere. A production build ignores the parameter, so a link cannot
// send a user's wallet to a node of the link author's choosing.

/** The node to use and, when a `?node=` parameter was ignored, a sentence saying why. */
export interface NodeChoice {
  url: string;
  ignored?: string;
}

/**
 * The node URL for `recordUrl` and the page's query string `search` ("?node=ws://…"). `dev` is
 * `import.meta.env.DEV`: only then is an override taken, and only a `ws:` or `wss:` URL. Otherwise
 * the record's URL is returned with `ignored` set whenever an override was present.
 */
export function nodeUrl(recordUrl: string, search: string, dev: boolean): NodeChoice {
  const override = new URLSearchParams(search).get("node");
  if (override === null) return { url: recordUrl };
  if (!dev) {
    return { url: recordUrl, ignored: `The ?node= override was ignored: this build connects only to the deployment's node (${recordUrl}).` };
  }
  let scheme: string;
  try {
    scheme = new URL(override).protocol;
  } catch {
    scheme = "";
  }
  if (scheme !== "ws:" && scheme !== "wss:") {
    return { url: recordUrl, ignored: `The ?node= override "${override}" was ignored: it is not a ws:// or wss:// URL.` };
  }
  return { url: override };
}

/**
 * Whether the app may talk to `url`: `wss://`, or `ws://` to a loopback host (`localhost`,
 * `127.0.0.0/8`, `[::1]`). Over plain `ws://` anyone between the browser and the host can rewrite
 * the chain's answers (genesis, code hashes, quotes, the oracle's price) that the app checks and
 * sets a swap's limits from; the bots hold to the same rule (`keel_client::endpoint::secure_node_url`),
 * and `scripts/web.sh` refuses to publish another.
 */
export function secureNodeUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === "wss:") return true;
  if (parsed.protocol !== "ws:") return false;
  const host = parsed.hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
