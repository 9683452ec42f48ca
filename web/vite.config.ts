import { defineConfig } from "vite";

// polkadot.js is most of the bundle (about 1 MB minified, 390 kB gzipped): one chunk is fine
// for a local app, so the size warning is set above it.
export default defineConfig({
  build: { chunkSizeWarningLimit: 1_500 },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
