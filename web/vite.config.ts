import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'

// During `npm run dev`, API calls are proxied to the local coderoom server.
// Override with CODEROOM_DEV_API=http://127.0.0.1:PORT.
const apiTarget = process.env.CODEROOM_DEV_API ?? 'http://127.0.0.1:8080'

// monaco-editor ≥ 0.56 only exports `monaco-editor/<path>` (mapped to esm/vs/<path>.js);
// y-monaco 0.1.6 still imports the old deep path. Both must resolve to the same module.
const monacoApi = fileURLToPath(new URL('./node_modules/monaco-editor/esm/vs/editor/editor.api.js', import.meta.url))
// The editor's contributions and their CSS, imported one by one so that only what coderoom
// uses is bundled (no TypeScript/CSS/HTML/JSON language services, no 80 grammars).
const monacoEsm = fileURLToPath(new URL('./node_modules/monaco-editor/esm/vs/', import.meta.url))

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: [
      { find: /^monaco-editor\/esm\/vs\/editor\/editor\.api(\.js)?$/, replacement: monacoApi },
      { find: /^monaco-esm\//, replacement: monacoEsm },
    ],
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
    // The lazily loaded editor chunk is large by nature; everything else stays small.
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false, ws: true },
    },
  },
})
