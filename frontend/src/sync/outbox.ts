/**
 * Where a map's unsent edits and last known server state live between page loads.
 *
 * An edit made offline must survive a reload, so the engine writes its pending batches here
 * on every change; the last server state is kept too, so a reload without a network still
 * shows the board (server state + the pending edits) and reconnects with `hello(last_seq)`.
 */
import { clear, createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { MapDocument, Op } from './types';

export interface PendingBatch {
  op_id: string;
  ops: Op[];
  /** Set once the server acknowledged the batch (it is durable at that seq). */
  acked_seq?: number | null;
}

export interface SavedMap {
  pending: PendingBatch[];
  base: MapDocument | null;
}

export interface OutboxStore {
  load(mapId: string): Promise<SavedMap>;
  savePending(mapId: string, pending: PendingBatch[]): Promise<void>;
  saveBase(mapId: string, base: MapDocument): Promise<void>;
  clear(mapId: string): Promise<void>;
}

/** For tests and for read-only views that must not write anything. */
export class MemoryOutbox implements OutboxStore {
  readonly pending = new Map<string, PendingBatch[]>();
  readonly bases = new Map<string, MapDocument>();

  async load(mapId: string): Promise<SavedMap> {
    return {
      pending: structuredClone(this.pending.get(mapId) ?? []),
      base: this.bases.has(mapId) ? structuredClone(this.bases.get(mapId)!) : null,
    };
  }

  async savePending(mapId: string, pending: PendingBatch[]): Promise<void> {
    this.pending.set(mapId, structuredClone(pending));
  }

  async saveBase(mapId: string, base: MapDocument): Promise<void> {
    this.bases.set(mapId, structuredClone(base));
  }

  async clear(mapId: string): Promise<void> {
    this.pending.delete(mapId);
    this.bases.delete(mapId);
  }
}

/**
 * IndexedDB, through idb-keyval. Keys are scoped by user as well as map: two people who
 * share a browser must never send each other's queued edits.
 */
export class IndexedDbOutbox implements OutboxStore {
  private readonly store: UseStore;

  constructor(
    private readonly scope: string,
    store?: UseStore,
  ) {
    this.store = store ?? createStore('journeymap', 'outbox');
  }

  private key(mapId: string, kind: 'pending' | 'base'): string {
    return `${this.scope}:${mapId}:${kind}`;
  }

  async load(mapId: string): Promise<SavedMap> {
    const [pending, base] = await Promise.all([
      get<PendingBatch[]>(this.key(mapId, 'pending'), this.store),
      get<MapDocument>(this.key(mapId, 'base'), this.store),
    ]);
    return { pending: pending ?? [], base: base ?? null };
  }

  async savePending(mapId: string, pending: PendingBatch[]): Promise<void> {
    await set(this.key(mapId, 'pending'), pending, this.store);
  }

  async saveBase(mapId: string, base: MapDocument): Promise<void> {
    await set(this.key(mapId, 'base'), base, this.store);
  }

  async clear(mapId: string): Promise<void> {
    await Promise.all([
      del(this.key(mapId, 'pending'), this.store),
      del(this.key(mapId, 'base'), this.store),
    ]);
  }
}

/**
 * Deletes every map copy and every queued edit this browser keeps, for every user: called on
 * logout, so nothing of a workspace stays on a shared machine. Unsent edits go with them.
 */
export async function clearAllLocalCopies(store?: UseStore): Promise<void> {
  await clear(store ?? createStore('journeymap', 'outbox'));
}

/**
 * Writes one map's outbox in the order changes were made (a chain of promises), with the
 * base state debounced: it changes on every patch but only matters after a reload.
 */
export class OutboxWriter {
  private chain: Promise<void> = Promise.resolve();
  private baseTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly store: OutboxStore,
    private readonly mapId: string,
    private readonly enabled: boolean,
    private readonly baseDelayMs: number,
  ) {}

  pending(batches: readonly PendingBatch[]): void {
    if (!this.enabled) return;
    const copy = structuredClone(batches) as PendingBatch[];
    this.enqueue(() => this.store.savePending(this.mapId, copy));
  }

  base(read: () => MapDocument | null): void {
    if (!this.enabled || this.baseTimer) return;
    this.baseTimer = setTimeout(() => {
      this.baseTimer = null;
      const doc = read();
      if (doc) this.enqueue(() => this.store.saveBase(this.mapId, doc));
    }, this.baseDelayMs);
  }

  flushed(): Promise<void> {
    return this.chain;
  }

  cancel(): void {
    if (this.baseTimer) clearTimeout(this.baseTimer);
    this.baseTimer = null;
  }

  private enqueue(write: () => Promise<void>): void {
    // A failed write (storage full, private mode) must not stop later ones.
    this.chain = this.chain.then(write).catch(() => undefined);
  }
}
