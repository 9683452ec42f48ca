// A JSON-RPC websocket proxy in front of a real node that lies about transactions, for the
// end-to-end runs: every request is forwarded unchanged except `author_submitAndWatchExtrinsic`,
// which it swallows (the transaction never reaches the node) and answers with a watch that
// reports "dropped". The bots must neither stall behind a transaction that never arrived nor
// sign past their limits because a node keeps saying their transactions vanished.
//
//   node scripts/lying-node.mjs <listen port> <upstream ws url> <swallow-first|swallow-all>
//
// Prints one line per swallowed transaction. `ws` comes from web/'s dependencies.

import { createRequire } from "node:module";

const require = createRequire(new URL("../web/package.json", import.meta.url));
const { WebSocketServer, WebSocket } = require("ws");

const [port, upstream, mode] = process.argv.slice(2);
if (!port || !upstream || !["swallow-first", "swallow-all"].includes(mode)) {
  console.error("usage: lying-node.mjs <listen port> <upstream ws url> <swallow-first|swallow-all>");
  process.exit(2);
}

let swallowed = 0;
const LIE = "keel-lie-";

function lies(msg) {
  return msg?.method === "author_submitAndWatchExtrinsic" && (mode === "swallow-all" || swallowed === 0);
}

const server = new WebSocketServer({ host: "127.0.0.1", port: Number(port) });
server.on("listening", () => console.log(`lying node on ws://127.0.0.1:${port} (${mode}) in front of ${upstream}`));
server.on("connection", (client) => {
  const node = new WebSocket(upstream);
  const waiting = [];
  const reply = (body) => client.readyState === WebSocket.OPEN && client.send(JSON.stringify(body));
  node.on("open", () => waiting.splice(0).forEach((text) => node.send(text)));
  node.on("message", (data) => client.readyState === WebSocket.OPEN && client.send(data.toString()));
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
