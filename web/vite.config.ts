import { cpSync, readFile } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
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

// The whiteboard's fonts (woff2, about 14 MiB with the CJK set), served by coderoom at
// /excalidraw/fonts/: the drawing library would otherwise fetch them from a public CDN.
const whiteboardFonts = fileURLToPath(new URL('./node_modules/@excalidraw/excalidraw/dist/prod/fonts', import.meta.url))

// The API document's viewer at /api/docs (web/public/api-docs holds its page): the bundled
// Swagger UI, so that reading the API needs nothing from outside the intranet.
const apiViewer = fileURLToPath(new URL('./node_modules/swagger-ui-dist/', import.meta.url))

function apiViewerAssets(): Plugin {
  return {
    name: 'coderoom-api-viewer',
    writeBundle(options) {
      for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
        cpSync(path.join(apiViewer, file), path.join(options.dir ?? 'dist', 'api-docs', file))
      }
    },
  }
}

// The library lists a public CDN after the configured asset path as a fallback for every font;
// browsers check each listed URL against the page's policy, and an export would fetch from it.
// Both URLs become this server's.
const CDN_FALLBACK = /`https:\/\/esm\.sh\/\$\{(\w+)\.PKG_NAME\?`\$\{\1\.PKG_NAME\}@\$\{\1\.PKG_VERSION\}`:"@excalidraw\/excalidraw"\}\/dist\/prod\/`/

function whiteboardAssets(): Plugin {
  return {
    name: 'coderoom-whiteboard-fonts',
    transform(code, id) {
      if (!id.includes('@excalidraw/excalidraw/dist/prod/') || !code.includes('https://esm.sh/')) return null
      const local = code.replace(CDN_FALLBACK, '`${window.location.origin}/excalidraw/`')
      if (local.includes('https://esm.sh/')) this.error(`${id}: the whiteboard's CDN fallback changed shape; update CDN_FALLBACK`)
      return { code: local, map: null }
    },
    writeBundle(options) {
      cpSync(whiteboardFonts, path.join(options.dir ?? 'dist', 'excalidraw', 'fonts'), { recursive: true })
    },
    configureServer(server) {
      server.middlewares.use('/excalidraw/fonts', (request, response, next) => {
        const file = path.join(whiteboardFonts, decodeURIComponent((request.url ?? '').split('?')[0] ?? ''))
        if (!file.startsWith(whiteboardFonts + path.sep)) return next()
        readFile(file, (err, data) => {
          if (err) return next()
          response.setHeader('content-type', 'font/woff2')
          response.end(data)
        })
      })
    },
  }
}

export default defineConfig({
  plugins: [react(), tailwindcss(), whiteboardAssets(), apiViewerAssets()],
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
