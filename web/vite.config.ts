import { defineConfig } from "vite";

// The dev accounts' keyring (sr25519 in Wasm, about 400 kB) is its own chunk, loaded on dev chains
// only; the size warning is set above it.
export default defineConfig({
  build: { chunkSizeWarningLimit: 500 },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
