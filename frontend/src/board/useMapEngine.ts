/** Wires a SyncEngine + UndoManager to React, the browser's network events and the keyboard. */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { IndexedDbOutbox, MemoryOutbox, SyncEngine, UndoManager, type Notice, type Op, type SocketLike } from '../sync';
import { toDocument } from '../sync/state';
import type { MapDocument } from '../sync/types';

export interface Toast {
  id: number;
  tone: 'error' | 'info';
  text: string;
}

function socketUrl(mapId: string, share?: string): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const query = share ? `?share=${encodeURIComponent(share)}` : '';
  return `${scheme}://${window.location.host}/ws/maps/${mapId}/${query}`;
}

export interface MapEngineHandle {
  engine: SyncEngine;
  undo: UndoManager;
  snapshot: ReturnType<SyncEngine['getSnapshot']>;
  toasts: Toast[];
  dismiss: (id: number) => void;
  flash: ReadonlyMap<string, string>; // recently changed by others: id → actor name
  perform: (ops: Op[], label?: string) => string | null;
}

declare global {
  interface Window {
    /** A handle for scripts and end-to-end tests: the engine, undo, and the board as a document. */
    journeymap?: { engine: SyncEngine; undo: UndoManager; document: () => MapDocument | null };
  }
}

export function useMapEngine(options: {
  mapId: string;
  userId: string;
  share?: string;
  initialDocument?: MapDocument | null;
}): MapEngineHandle {
  const { mapId, userId, share, initialDocument } = options;
  const readOnly = Boolean(share);
  const { engine, undo } = useMemo(() => {
    const engine = new SyncEngine({
      mapId,
      url: socketUrl(mapId, share),
      socketFactory: (url) => new WebSocket(url) as unknown as SocketLike,
      outbox: readOnly ? new MemoryOutbox() : new IndexedDbOutbox(userId || 'anonymous'),
      readOnly,
      initialDocument: initialDocument ?? null,
    });
    return { engine, undo: new UndoManager(engine, userId) };
    // The document only seeds a new engine; later fetches must not rebuild it.
  }, [mapId, userId, share, readOnly]);

  const snapshot = useSyncExternalStore(engine.subscribe, engine.getSnapshot);
  useSyncExternalStore(undo.subscribe, undo.getVersion);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [flash, setFlash] = useState<ReadonlyMap<string, string>>(new Map());
  const toastId = useRef(0);

  useEffect(() => {
    void engine.start();
    window.journeymap = {
      engine,
      undo,
      document: () => {
        const view = engine.getSnapshot().view;
        return view ? toDocument(view) : null;
      },
    };
    const offline = () => engine.disconnect();
    const online = () => engine.reconnectNow();
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    const unsubscribe = engine.onNotice((notice: Notice) => {
      if (notice.kind === 'reject') {
        undo.forget(notice.op_id);
        const id = ++toastId.current;
        setToasts((t) => [...t, { id, tone: 'error', text: `Not saved: ${notice.detail}` }]);
        setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 6000);
      } else if (notice.kind === 'remote') {
        const ids = notice.patch.ops.filter((op) => op.action !== 'delete').map((op) => op.id);
        if (!ids.length) return;
        setFlash((prev) => {
          const next = new Map(prev);
          for (const id of ids) next.set(id, notice.patch.actor?.name ?? '');
          return next;
        });
        setTimeout(
          () =>
            setFlash((prev) => {
              const next = new Map(prev);
              for (const id of ids) next.delete(id);
              return next;
            }),
          1600,
        );
      }
    });
    return () => {
      unsubscribe();
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
      engine.stop();
      if (window.journeymap?.engine === engine) delete window.journeymap;
    };
  }, [engine, undo]);

  useEffect(() => {
    if (readOnly) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      // Inside a text field, Ctrl+Z is the field's own text undo.
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      const mod = event.ctrlKey || event.metaKey;
      if (!mod) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        undo.undo();
      } else if ((key === 'z' && event.shiftKey) || key === 'y') {
        event.preventDefault();
        undo.redo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, readOnly]);

  return {
    engine,
    undo,
    snapshot,
    toasts,
    dismiss: (id) => setToasts((t) => t.filter((x) => x.id !== id)),
    flash,
    perform: (ops, label) => (readOnly ? null : undo.perform(ops, label)),
  };
}
