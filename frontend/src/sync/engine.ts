/**
 * The sync engine: one map, one WebSocket, no framework.
 *
 * Truth is the server's op log. The engine keeps
 *   - `server`: the state at the last seq it has applied, in order, with no gaps;
 *   - `pending`: local batches not yet seen in that state (persisted in the outbox);
 *   - `view` = server + pending re-applied: what the user sees (optimistic).
 * A remote patch lands on `server` and the pending edits are re-applied over it, so a local
 * edit in flight is never clobbered on screen and never lost. A gap in seq, a lost patch
 * after an ack, or a reconnect all end in `hello(last_seq)` → catch-up (or a snapshot).
 * Batches are resent with the same op_id after a reconnect; the server's (map, op_id)
 * uniqueness makes that harmless.
 */
import { Link, RELOAD_REQUIRED_CODE, type LinkEvents } from './link';
import { OutboxWriter, type PendingBatch } from './outbox';
import { applyOps, fromDocument, toDocument, type MapState } from './state';
import {
  PROTOCOL_VERSION,
  type ClientMessage,
  type Op,
  type Patch,
  type Peer,
  type PresenceFocus,
  type ServerMessage,
  type You,
} from './types';
import type {
  ConnectionStatus,
  EngineOptions,
  EngineSnapshot,
  Notice,
  ReloadRequired,
  SocketLike,
} from './engineTypes';

export type { ConnectionStatus, EngineOptions, EngineSnapshot, Notice, ReloadRequired, SocketLike };

/** What `fatal` says once the server asked for a reload. */
export const RELOAD_MESSAGE =
  'A new version of Journeymap is out: reload the page to keep editing. Unsent edits are kept.';

export class SyncEngine {
  private readonly opts: Required<
    Omit<EngineOptions, 'initialDocument' | 'readOnly'>
  > & { readOnly: boolean };
  private server: MapState | null = null;
  private pending: PendingBatch[] = [];
  private view: MapState | null = null;
  private peers: Peer[] = [];
  private status: ConnectionStatus = 'loading';
  private fatal: string | null = null;
  private you: You | null = null;
  private reloadRequired: ReloadRequired | null = null;
  private synced = false; // the server answered our hello on this socket
  private awaitingSync = false; // a hello is in flight
  private sentOnSocket = new Set<string>();
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private retries = new Map<string, number>(); // re-sends after server_error, per op_id ('' = hello)
  private retryTimers = new Set<ReturnType<typeof setTimeout>>();
  private focus: PresenceFocus | null = null;
  private stopped = false;
  private started = false;
  private readonly writer: OutboxWriter;
  private readonly link: Link;
  private listeners = new Set<() => void>();
  private noticeListeners = new Set<(notice: Notice) => void>();
  private snapshot: EngineSnapshot;

  constructor(options: EngineOptions) {
    this.opts = {
      newId: () => crypto.randomUUID(),
      random: Math.random,
      backoffInitialMs: 500,
      backoffMaxMs: 10_000,
      heartbeatMs: 15_000,
      ackGraceMs: 1_500,
      saveBaseDelayMs: 400,
      protocol: PROTOCOL_VERSION,
      ...options,
      readOnly: options.readOnly ?? false,
    };
    this.link = new Link(this.opts, this.linkEvents());
    this.writer = new OutboxWriter(
      this.opts.outbox,
      this.opts.mapId,
      !this.opts.readOnly,
      this.opts.saveBaseDelayMs,
    );
    if (options.initialDocument) this.server = fromDocument(options.initialDocument);
    this.recompute();
    this.snapshot = this.buildSnapshot();
  }

  // --- public API -----------------------------------------------------------------------

  /** Load the outbox, then connect. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (!this.opts.readOnly) {
      const saved = await this.opts.outbox.load(this.opts.mapId);
      if (this.stopped) return;
      // Batches submitted while the outbox was loading come after the saved ones.
      const known = new Set(saved.pending.map((batch) => batch.op_id));
      this.pending = [...saved.pending, ...this.pending.filter((b) => !known.has(b.op_id))];
      if (saved.base && (!this.server || saved.base.seq > this.server.seq)) {
        this.server = fromDocument(saved.base);
      }
      this.recompute();
    }
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.writer.cancel();
    this.link.stop();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  onNotice(listener: (notice: Notice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  getSnapshot = (): EngineSnapshot => this.snapshot;

  get state(): MapState | null {
    return this.view;
  }

  /** Queue a batch of ops (one user action); returns its op_id. */
  submit(ops: Op[]): string {
    if (this.opts.readOnly) throw new Error('this map is read-only here');
    if (!ops.length) throw new Error('an empty batch');
    const batch: PendingBatch = { op_id: this.opts.newId(), ops: structuredClone(ops) };
    this.pending.push(batch);
    this.persistPending();
    this.changed();
    if (this.synced) this.sendBatch(batch);
    return batch.op_id;
  }

  setFocus(focus: PresenceFocus | null): void {
    this.focus = focus;
    if (this.synced) this.send({ type: 'presence', focus });
  }

  /** Drop the socket (as a network cut would) and reconnect with backoff. */
  disconnect(): void {
    this.link.drop();
  }

  /** Reconnect now (the browser says the network is back), skipping the backoff wait. */
  reconnectNow(): void {
    if (this.stopped || this.reloadRequired) return;
    if (this.link.isOpen && (this.synced || this.awaitingSync)) return;
    this.link.reconnectNow();
  }

  // --- connection -----------------------------------------------------------------------

  private connect(): void {
    this.link.connect();
  }

  private linkEvents(): LinkEvents {
    return {
      connecting: () => {
        this.synced = false;
        this.awaitingSync = false;
        this.sentOnSocket = new Set();
        this.setStatus('connecting');
      },
      open: () => this.hello(),
      message: (message) => this.handleMessage(message),
      down: () => {
        this.synced = false;
        this.awaitingSync = false;
        this.setStatus('offline');
      },
      refused: (reason, code) => {
        if (code === RELOAD_REQUIRED_CODE) {
          this.requireReload(reason, null);
          return;
        }
        this.fatal = reason;
        this.synced = false;
        this.awaitingSync = false;
        this.setStatus('offline');
        this.emit();
      },
    };
  }

  private hello(forceSnapshot = false): void {
    this.awaitingSync = true;
    if (this.status !== 'online') this.setStatus('syncing');
    const lastSeq = forceSnapshot || !this.server ? null : this.server.seq;
    this.send({ type: 'hello', last_seq: lastSeq, protocol: this.opts.protocol });
  }

  /**
   * The server speaks a newer protocol: stop connecting for good and say so. Nothing is
   * dropped: pending batches stay in the outbox (and edits made from now on are queued there
   * too), so the reloaded page sends them.
   */
  private requireReload(detail: string, protocol: number | null): void {
    if (this.reloadRequired) return;
    this.reloadRequired = { detail, protocol };
    this.fatal = RELOAD_MESSAGE;
    this.synced = false;
    this.awaitingSync = false;
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    this.link.stop();
    this.status = 'reload_required';
    this.emit();
    this.notify({ kind: 'reload_required', detail, protocol });
  }

  private send(message: ClientMessage): boolean {
    return this.link.send(message);
  }

  private sendBatch(batch: PendingBatch): void {
    if (this.sentOnSocket.has(batch.op_id)) return;
    if (this.send({ type: 'ops', op_id: batch.op_id, ops: batch.ops })) {
      this.sentOnSocket.add(batch.op_id);
    }
  }

  private onSynced(): void {
    this.retries.delete('');
    this.synced = true;
    this.awaitingSync = false;
    this.link.healthy();
    this.fatal = null;
    this.setStatus('online');
    for (const batch of this.pending) this.sendBatch(batch);
    this.send({ type: 'presence', focus: this.focus });
    this.checkAcked();
  }

  // --- incoming -------------------------------------------------------------------------

  private handleMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'snapshot':
        if (message.you) this.you = message.you;
        this.server = fromDocument(message.map);
        this.server.seq = message.seq ?? message.map.seq;
        this.dropSettled();
        this.serverChanged();
        this.onSynced();
        return;
      case 'catchup': {
        if (message.you) this.you = message.you;
        if (!this.server) {
          this.hello(true);
          return;
        }
        for (const patch of message.patches) {
          if (patch.seq <= this.server.seq) continue;
          if (patch.seq !== this.server.seq + 1) {
            this.hello(true); // the log cannot fill this hole: start from a snapshot
            return;
          }
          this.applyPatch(patch);
        }
        this.dropSettled();
        this.serverChanged();
        if (this.server.seq < message.seq) {
          this.hello(); // the server capped the catch-up; ask for the rest
          return;
        }
        this.onSynced();
        return;
      }
      case 'patch': {
        if (!this.server) return;
        if (message.seq <= this.server.seq) return; // already have it (snapshot or catch-up)
        if (message.seq !== this.server.seq + 1) {
          if (!this.awaitingSync) this.hello();
          return;
        }
        this.applyPatch(message);
        this.dropSettled();
        this.serverChanged();
        return;
      }
      case 'ack': {
        const batch = this.pending.find((b) => b.op_id === message.op_id);
        if (!batch) return;
        this.retries.delete(message.op_id);
        batch.acked_seq = message.seq;
        this.dropSettled();
        this.changed();
        this.persistPending();
        this.checkAcked();
        return;
      }
      case 'reject': {
        const index = this.pending.findIndex((b) => b.op_id === message.op_id);
        const ops = index >= 0 ? this.pending[index]!.ops : [];
        if (index >= 0) {
          this.pending.splice(index, 1); // roll back: the view is rebuilt without it
          this.persistPending();
          this.changed();
        }
        this.notify({
          kind: 'reject',
          op_id: message.op_id,
          code: message.code,
          detail: message.detail,
          ops,
        });
        return;
      }
      case 'presence':
        this.peers = message.peers ?? [];
        this.changed();
        return;
      case 'error':
        if (message.code === 'reload_required') {
          this.requireReload(message.detail, message.protocol ?? null);
          return;
        }
        if (message.code === 'server_error' || message.code === 'rate_limited') {
          this.retryLater(message.op_id ?? null, message.retry_after ?? null);
        }
        this.notify({ kind: 'error', code: message.code, detail: message.detail });
        return;
      case 'pong':
      default:
        return;
    }
  }

  /**
   * The server changed nothing and said so (`server_error`: its database was unreachable, say;
   * `rate_limited`): send the batch again later with the same op_id — applied once however
   * often it is sent — or, for a hello that went unanswered, the hello. Without this the batch
   * would wait for the next reconnect, which a healthy socket never brings.
   */
  private retryLater(opId: string | null, retryAfter: number | null): void {
    if (opId !== null) {
      if (!this.pending.some((b) => b.op_id === opId)) return;
    } else if (!this.awaitingSync) {
      return;
    }
    const key = opId ?? '';
    const tries = (this.retries.get(key) ?? 0) + 1;
    this.retries.set(key, tries);
    const delay = retryAfter != null ? retryAfter * 1000 : Math.min(250 * 2 ** (tries - 1), 4000);
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (this.stopped) return;
      if (opId === null) {
        if (this.awaitingSync && this.link.isOpen) this.hello();
        return;
      }
      const batch = this.pending.find((b) => b.op_id === opId);
      if (!batch || !this.synced) return; // gone, or a reconnect will send it
      this.sentOnSocket.delete(opId);
      this.sendBatch(batch);
    }, delay);
    this.retryTimers.add(timer);
  }

  private applyPatch(patch: Patch): void {
    const server = this.server!;
    this.server = { ...applyOps(server, patch.ops), seq: patch.seq };
    const mine = this.pending.some((b) => b.op_id === patch.op_id);
    if (mine) {
      this.pending = this.pending.filter((b) => b.op_id !== patch.op_id);
      this.persistPending();
    } else {
      this.notify({ kind: 'remote', patch });
    }
  }

  /** Drop batches the server state already contains (acked at or below its seq). */
  private dropSettled(): void {
    const seq = this.server?.seq ?? -1;
    const before = this.pending.length;
    this.pending = this.pending.filter((b) => b.acked_seq == null || b.acked_seq > seq);
    if (this.pending.length !== before) this.persistPending();
  }

  /** An ack whose patch never came means a lost broadcast: catch up from the log. */
  private checkAcked(): void {
    if (this.ackTimer) return;
    const waiting = () =>
      this.pending.some((b) => b.acked_seq != null && b.acked_seq > (this.server?.seq ?? 0));
    if (!waiting()) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = null;
      if (waiting() && this.synced && !this.awaitingSync) this.hello();
    }, this.opts.ackGraceMs);
  }

  // --- state ----------------------------------------------------------------------------

  private recompute(): void {
    if (!this.server) {
      this.view = null;
      return;
    }
    let view = this.server;
    for (const batch of this.pending) view = applyOps(view, batch.ops, { cascade: true });
    this.view = view;
  }

  private serverChanged(): void {
    this.changed();
    this.writer.base(() => (this.server ? toDocument(this.server) : null));
  }

  private persistPending(): void {
    this.writer.pending(this.pending);
  }

  /** Resolves once everything queued so far is written to the outbox. */
  flushed(): Promise<void> {
    return this.writer.flushed();
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status || this.reloadRequired) return;
    this.status = status;
    this.emit();
  }

  private changed(): void {
    this.recompute();
    this.emit();
  }

  private buildSnapshot(): EngineSnapshot {
    return {
      status: this.status,
      view: this.view,
      server: this.server,
      pendingCount: this.pending.length,
      peers: this.peers,
      readOnly: this.opts.readOnly,
      fatal: this.fatal,
      you: this.you,
      reloadRequired: this.reloadRequired,
    };
  }

  private emit(): void {
    this.snapshot = this.buildSnapshot();
    for (const listener of [...this.listeners]) listener();
  }

  private notify(notice: Notice): void {
    for (const listener of [...this.noticeListeners]) listener(notice);
  }
}
