import type * as Y from 'yjs'
import type { BoardElement } from '../api'

/** Marks the transactions this browser makes, so that its own writes are not merged back. */
const LOCAL = Symbol('local board change')
/** Longest a drawn change waits before it is sent: a stroke goes out ~25 times a second. */
const WRITE_EVERY_MS = 40

/** Whether `remote` should replace `local`: the higher version wins; a tie goes to the lower nonce, as everywhere. */
export function newer(remote: BoardElement, local: BoardElement | undefined): boolean {
  if (!local) return true
  if (remote.version !== local.version) return remote.version > local.version
  return (remote.versionNonce ?? 0) < (local.versionNonce ?? 0)
}

/** Stacking order: fractional indices compare as plain strings. */
export function byIndex(a: BoardElement, b: BoardElement): number {
  const x = a.index ?? ''
  const y = b.index ?? ''
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/**
 * Takes in `remote` shapes: `scene` is the new scene, or `null` when none of them is newer;
 * `kept` are the local shapes that won over a different remote copy. Yjs settles two concurrent
 * writes of one shape by client id, not by version, so the winner here must be written again,
 * or the browsers would each keep their own copy.
 */
export function reconcile(local: readonly BoardElement[], remote: readonly BoardElement[]): { scene: BoardElement[] | null; kept: BoardElement[] } {
  const merged = new Map(local.map((element) => [element.id, element]))
  const kept: BoardElement[] = []
  let changed = false
  for (const element of remote) {
    const mine = merged.get(element.id)
    if (newer(element, mine)) {
      merged.set(element.id, element)
      changed = true
    } else if (mine && (mine.version !== element.version || mine.versionNonce !== element.versionNonce)) {
      kept.push(mine)
    }
  }
  return { scene: changed ? [...merged.values()].sort(byIndex) : null, kept }
}

function parse(text: unknown): BoardElement | null {
  if (typeof text !== 'string') return typeof text === 'object' && text ? (text as BoardElement) : null
  try {
    const value = JSON.parse(text) as BoardElement
    return value && typeof value.id === 'string' ? value : null
  } catch {
    return null
  }
}

/**
 * Binds a scene to the board's Yjs map (`elements`: shape id → the shape as JSON text). Local
 * changes are written in batches, only the shapes whose version moved; remote ones are handed
 * to `onRemote` as shapes, which answers with the local shapes that beat them (written back). A
 * shape that would take the board past `maxElements` stays local and `onFull` is called.
 */
export class BoardBinding {
  /** Version of each shape as last written to or read from the document: what not to send again. */
  private known = new Map<string, number>()
  private pending: readonly BoardElement[] | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly observer: (event: Y.YMapEvent<string>) => void

  constructor(
    private readonly doc: Y.Doc,
    private readonly map: Y.Map<string>,
    private readonly maxElements: number,
    private readonly onRemote: (shapes: BoardElement[]) => readonly BoardElement[],
    private readonly onFull: () => void,
  ) {
    this.observer = (event) => {
      if (event.transaction.origin === LOCAL) return
      this.deliver([...event.keysChanged])
    }
    map.observe(this.observer)
  }

  /** Takes in the whole document (after a sync), as if every shape had just arrived. */
  resync() {
    this.deliver([...this.map.keys()])
  }

  private deliver(keys: string[]) {
    const shapes: BoardElement[] = []
    for (const key of keys) {
      const shape = parse(this.map.get(key))
      if (!shape) continue
      this.known.set(shape.id, Math.max(shape.version, this.known.get(shape.id) ?? 0))
      shapes.push(shape)
    }
    if (!shapes.length) return
    const kept = this.onRemote(shapes)
    if (!kept.length) return
    this.doc.transact(() => {
      for (const shape of kept) {
        this.map.set(shape.id, JSON.stringify(shape))
        this.known.set(shape.id, shape.version)
      }
    }, LOCAL)
  }

  /** The scene changed here: its new shapes go out within `WRITE_EVERY_MS`. */
  changed(scene: readonly BoardElement[]) {
    this.pending = scene
    this.timer ??= setTimeout(() => this.flush(), WRITE_EVERY_MS)
  }

  /** Writes what changed now (pointer released, tab hidden, unmount). */
  flush() {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const scene = this.pending
    this.pending = null
    if (!scene) return
    let full = false
    this.doc.transact(() => {
      for (const shape of scene) {
        if ((this.known.get(shape.id) ?? -1) >= shape.version) continue
        if (!this.map.has(shape.id) && this.map.size >= this.maxElements) {
          full = true
          continue
        }
        this.map.set(shape.id, JSON.stringify(shape))
        this.known.set(shape.id, shape.version)
      }
    }, LOCAL)
    if (full) this.onFull()
  }

  destroy() {
    this.flush()
    this.map.unobserve(this.observer)
  }
}
