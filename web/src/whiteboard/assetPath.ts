// Imported before the drawing library: it reads this when it loads its fonts, and otherwise
// fetches them from a public CDN. coderoom serves them itself (copied into the build by
// vite.config.ts), so the whiteboard never calls out of the intranet.
declare global {
  interface Window {
    EXCALIDRAW_ASSET_PATH?: string | string[]
  }
}

window.EXCALIDRAW_ASSET_PATH = `${window.location.origin}/excalidraw/`

export {}
