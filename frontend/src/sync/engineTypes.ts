/** The sync engine's public shapes: what it needs of a socket, what it reports. */
import type { OutboxStore } from './outbox';
import type { MapState } from './state';
import type { MapDocument, Op, Patch, Peer, You } from './types';

/**
 * `reload_required`: the server speaks a newer protocol than this page; the engine no longer
 * connects (unsent edits stay in the outbox and go out from the reloaded page).
 */
export type ConnectionStatus =
  | 'loading'
  | 'connecting'
  | 'syncing'
  | 'online'
  | 'offline'
  | 'reload_required';

/** What the engine needs of a WebSocket (the browser's satisfies it). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type Notice =
  | { kind: 'reject'; op_id: string; code: string; detail: string; ops: Op[] }
  | { kind: 'error'; code: string; detail: string }
  | { kind: 'reload_required'; detail: string; protocol: number | null }
  | { kind: 'remote'; patch: Patch };

export interface EngineOptions {
  mapId: string;
  url: string;
  socketFactory: (url: string) => SocketLike;
  outbox: OutboxStore;
  readOnly?: boolean;
  /** A document already fetched over REST, shown until the socket's snapshot arrives. */
  initialDocument?: MapDocument | null;
  newId?: () => string;
  random?: () => number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  heartbeatMs?: number;
  /** How long an acked batch may wait for its patch before the engine asks to catch up. */
  ackGraceMs?: number;
  saveBaseDelayMs?: number;
  /** The protocol version announced in `hello` (default: the generated PROTOCOL_VERSION). */
  protocol?: number;
}

/** The server refused this page's protocol version (`error` `reload_required`, close 4426). */
export interface ReloadRequired {
  /** What the server said, or the close reason. */
  detail: string;
  /** The version the server speaks, when it said so. */
  protocol: number | null;
}

export interface EngineSnapshot {
  status: ConnectionStatus;
  view: MapState | null;
  server: MapState | null;
  pendingCount: number;
  peers: Peer[];
  readOnly: boolean;
  /** Set when the server refused the connection for good (e.g. no access). */
  fatal: string | null;
  /** This connection as the server knows it (client_id, role, user, colour). */
  you: You | null;
  /** Set (with status `reload_required` and `fatal`) when only a page reload can reconnect. */
  reloadRequired: ReloadRequired | null;
}
