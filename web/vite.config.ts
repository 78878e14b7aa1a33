import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The web app is served by the tenantproof server from web/dist; in development, Vite proxies the API to it.
export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: `${root}/dist`, emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' } },
});
