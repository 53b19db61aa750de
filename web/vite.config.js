// Vite config: one SPA; the mobile (Vant) and admin (Element Plus) sections are
// lazy chunks, so neither UI library lands in the entry chunk.
// `npm run dev` proxies /api to a running `dangjian serve` (DJ_API, default :8080).
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

/**
 * Vant's icon font is inlined (woff2 as a data: URL) with fall-backs on a public CDN
 * (at.alicdn.com). An agency's intranet cannot reach it and the Content-Security-Policy
 * (fonts from our own origin only) refuses it: drop every such remote source, so the
 * app never asks the internet for anything.
 */
const REMOTE_FONT = /,\s*url\((?:https?:)?\/\/at\.alicdn\.com\/[^)]*\)\s*format\(["'][a-z0-9]+["']\)/g;
function noRemoteFonts() {
  return {
    name: 'dj-no-remote-fonts',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type === 'asset' && file.fileName.endsWith('.css') && typeof file.source === 'string') {
          file.source = file.source.replace(REMOTE_FONT, '');
        }
      }
    },
  };
}

export default defineConfig({
  plugins: [vue(), noRemoteFonts()],
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
