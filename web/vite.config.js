// Vite config: one SPA; the mobile (Vant) and admin (Element Plus) sections are
// lazy chunks, so neither UI library lands in the entry chunk.
// `npm run dev` proxies /api to a running `dangjian serve` (DJ_API, default :8080).
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      '/api': process.env.DJ_API || 'http://127.0.0.1:8080',
    },
  },
});
