import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built with `vite build web`; the Vigil server serves web/dist at `/` with an SPA fallback.
// In `vite web` dev mode, /api (HTTP and WebSocket) is proxied to a running Vigil server.
const apiTarget = process.env.VIGIL_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false, ws: true },
    },
  },
});
