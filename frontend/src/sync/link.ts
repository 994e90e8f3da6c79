/**
 * One live connection to the server, kept up: open, heartbeat, reconnect with backoff.
 * It knows nothing of maps or ops; the engine decides what to say once it is open.
 */
import type { SocketLike } from './engineTypes';
import type { ClientMessage, ServerMessage } from './types';

const OPEN = 1;
/** The server no longer speaks this page's protocol version: only a reload helps. */
export const RELOAD_REQUIRED_CODE = 4426;

// Close codes after which retrying is pointless (access revoked, map deleted, signed out,
// the page is out of date).
const FINAL_CODES: Record<number, string> = {
  4401: 'Please sign in again.',
  4403: 'You no longer have access to this map.',
  4404: 'This map was deleted.',
  [RELOAD_REQUIRED_CODE]: 'This page is out of date: reload it to keep editing.',
};

export interface LinkOptions {
  url: string;
  socketFactory: (url: string) => SocketLike;
  random: () => number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  heartbeatMs: number;
}

export interface LinkEvents {
  connecting(): void;
  open(): void;
  message(message: ServerMessage): void;
  down(): void;
  /** The server closed the socket with a final code: no reconnect is scheduled. */
  refused(reason: string, code: number): void;
}

/** The wait before reconnect attempt `attempt` (0-based): exponential, capped, jittered. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number) {
  const ceiling = Math.min(maxMs, initialMs * 2 ** attempt);
  // Jitter keeps a room of laptops from reconnecting in lockstep after a Wi-Fi blip.
  return Math.round(ceiling * (0.5 + random() / 2));
}

export class Link {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastMessageAt = 0;
  private stopped = false;

  constructor(
    private readonly opts: LinkOptions,
    private readonly events: LinkEvents,
  ) {}

  get isOpen(): boolean {
    return this.socket?.readyState === OPEN;
  }

  /** Open a fresh socket now, replacing any current one. */
  connect(): void {
    if (this.stopped) return;
    this.detach(this.socket);
    this.events.connecting();
    let socket: SocketLike;
    try {
      socket = this.opts.socketFactory(this.opts.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.lastMessageAt = Date.now();
      this.startHeartbeat();
      this.events.open();
    };
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      this.lastMessageAt = Date.now();
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      this.events.message(message);
    };
    socket.onclose = (event) => {
      if (socket !== this.socket) return;
      const code = (event as { code?: number } | null)?.code ?? 0;
      const final = FINAL_CODES[code];
      if (final) {
        this.socket = null;
        this.stopHeartbeat();
        this.events.refused(final, code);
        return;
      }
      this.lost();
    };
    socket.onerror = () => {
      /* onclose follows */
    };
  }

  /** Drop the socket as a network cut would, and reconnect with backoff. */
  drop(): void {
    const socket = this.socket;
    this.detach(socket);
    this.lost();
  }

  /** The network is back (or the user asked): skip the backoff wait. */
  reconnectNow(): void {
    if (this.stopped) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.attempt = 0;
    this.connect();
  }

  /** The server answered: the next outage starts its backoff from the beginning. */
  healthy(): void {
    this.attempt = 0;
  }

  send(message: ClientMessage): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.stopHeartbeat();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.detach(this.socket, 1000, 'bye');
  }

  private lost(): void {
    if (this.stopped) return;
    this.socket = null;
    this.stopHeartbeat();
    this.events.down();
    this.scheduleReconnect();
  }

  private detach(socket: SocketLike | null, code?: number, reason?: string): void {
    if (!socket) return;
    if (socket === this.socket) this.socket = null;
    socket.onclose = null;
    socket.onmessage = null;
    socket.onopen = null;
    try {
      socket.close(code ?? 4000, reason ?? 'client went offline');
    } catch {
      /* already gone */
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const { backoffInitialMs, backoffMaxMs, random } = this.opts;
    const delay = backoffDelay(this.attempt, backoffInitialMs, backoffMaxMs, random);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    const every = this.opts.heartbeatMs;
    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - this.lastMessageAt > every * 2 + 5_000) {
        // Silent for too long: the socket is dead even if the browser has not noticed.
        this.drop();
        return;
      }
      this.send({ type: 'ping' });
    }, every);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
}
