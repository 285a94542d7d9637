import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// `npm run dev` serves the page with hot reload and proxies the API to a Testbay service
// started with `--allowed-origin http://localhost:5173` (see README).
const service = process.env.TESTBAY_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    proxy: {
      '/api': { target: service, changeOrigin: true },
    },
  },
});
