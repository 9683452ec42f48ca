// A JSON-RPC websocket proxy in front of a real node that lies, for the end-to-end runs: every
// request is forwarded unchanged except what its mode lies about.
// - `swallow-first`, `swallow-all`: `author_submitAndWatchExtrinsic` is swallowed (the transaction
//   never reaches the node) and answered with a watch that reports "dropped". The bots must
//   neither stall behind a transaction that never arrived nor sign past their limits because a
//   node keeps saying their transactions vanished.
// - `other-chain-on-usr1`: honest until SIGUSR1; then it drops every connection and, on the ones
//   made after, answers the genesis hash of another chain: a bot already running finds itself on
//   a chain it does not trust.
//
//   node scripts/lying-node.mjs <listen port> <upstream ws url> <mode>
//
// Prints one line per swallowed transaction. `ws` comes from web/'s dependencies.

import { createRequire } from "node:module";

const require = createRequire(new URL("../web/package.json", import.meta.url));
const { WebSocketServer, WebSocket } = require("ws");

const [port, upstream, mode] = process.argv.slice(2);
if (!port || !upstream || !["swallow-first", "swallow-all", "other-chain-on-usr1"].includes(mode)) {
  console.error("usage: lying-node.mjs <listen port> <upstream ws url> <swallow-first|swallow-all|other-chain-on-usr1>");
  process.exit(2);
}

const OTHER_GENESIS = `0x${"ab".repeat(32)}`;
let otherChain = false;
if (mode === "other-chain-on-usr1") {
  process.on("SIGUSR1", () => {
    otherChain = true;
    console.log("now on another chain: every connection dropped");
    server.clients.forEach((c) => c.terminate());
  });
}

/** Whether `msg` asks for the genesis hash (the legacy block hash at 0, or the chain spec's). */
function asksGenesis(msg) {
  if (msg?.method === "chainSpec_v1_genesisHash") return true;
  return msg?.method === "chain_getBlockHash" && Array.isArray(msg.params) && [0, "0x0", "0x00"].includes(msg.params[0]);
}

let swallowed = 0;
const LIE = "keel-lie-";

function lies(msg) {
  if (msg?.method !== "author_submitAndWatchExtrinsic") return false;
  return mode === "swallow-all" || (mode === "swallow-first" && swallowed === 0);
}

const server = new WebSocketServer({ host: "127.0.0.1", port: Number(port) });
server.on("listening", () => console.log(`lying node on ws://127.0.0.1:${port} (${mode}) in front of ${upstream}`));
server.on("connection", (client) => {
  const node = new WebSocket(upstream);
  const waiting = [];
  // Requests for the genesis hash on a connection made after the switch, by id.
  const genesisIds = new Set();
  const reply = (body) => client.readyState === WebSocket.OPEN && client.send(JSON.stringify(body));
  node.on("open", () => waiting.splice(0).forEach((text) => node.send(text)));
  node.on("message", (data) => {
    let text = data.toString();
    if (genesisIds.size > 0) {
      const answer = JSON.parse(text);
      if (genesisIds.delete(answer.id) && typeof answer.result === "string") {
        text = JSON.stringify({ ...answer, result: OTHER_GENESIS });
        console.log("answered another chain's genesis hash");
      }
    }
    if (client.readyState === WebSocket.OPEN) client.send(text);
  });
  node.on("close", () => client.close());
  node.on("error", () => client.close());
  client.on("close", () => node.close());
  client.on("message", (data) => {
    const text = data.toString();
    let msg = null;
    try {
      msg = JSON.parse(text);
    } catch {
      // Not JSON: the node answers it.
    }
    if (otherChain && asksGenesis(msg)) genesisIds.add(msg.id);
    if (lies(msg)) {
      swallowed += 1;
      const subscription = `${LIE}${swallowed}`;
      console.log(`swallowed transaction ${swallowed}; told the client it was dropped`);
      reply({ jsonrpc: "2.0", id: msg.id, result: subscription });
      setTimeout(() => reply({
        jsonrpc: "2.0",
        method: "author_extrinsicUpdate",
        params: { subscription, result: "dropped" },
      }), 300);
      return;
    }
    if (msg?.method === "author_unwatchExtrinsic" && String(msg.params?.[0]).startsWith(LIE)) {
      reply({ jsonrpc: "2.0", id: msg.id, result: true });
      return;
    }
    if (node.readyState === WebSocket.OPEN) node.send(text);
    else waiting.push(text);
  });
});
