/**
 * An in-memory server speaking the live protocol, for the engine's tests: an op log with
 * (op_id) dedupe, seq +1 per accepted batch, `not_found` rejects for ops on missing rows,
 * catch-up within a window, and sockets the test can cut, delay or make lossy.
 */
import type { SocketLike } from '../engine';
import { applyOps, dependentsOf, fromDocument, toDocument, type MapState } from '../state';
import { COLLECTIONS, ITEM_ENTITIES, type ClientMessage, type MapDocument, type Op, type Patch, type ServerMessage } from '../types';

export function emptyDocument(id = 'map-1'): MapDocument {
  const doc: Record<string, unknown> = {
    id,
    workspace: 'ws-1',
    seq: 0,
    title: 'Journey',
    description: '',
    votes_per_user: 5,
    personas: [],
    directory: { channels: [], personas: [] },
  };
  for (const entity of ITEM_ENTITIES) doc[COLLECTIONS[entity]] = [];
  return doc as unknown as MapDocument;
}

export class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  /** Frames the client sent, parsed. */
  readonly sent: ClientMessage[] = [];
  /** When set, server→client frames of these types are silently dropped. */
  dropTypes = new Set<string>();

  constructor(
    private readonly server: FakeServer,
    readonly user: string,
  ) {}

  /** While true, client→server frames wait (a slow uplink); `release()` lets them through. */
  hold = false;
  private held: ClientMessage[] = [];

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('socket not open');
    const message = JSON.parse(data) as ClientMessage;
    this.sent.push(message);
    if (this.hold) this.held.push(message);
    else this.server.receive(this, message);
  }

  release(): void {
    this.hold = false;
    const held = this.held;
    this.held = [];
    for (const message of held) this.server.receive(this, message);
  }

  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.server.detach(this);
    this.onclose?.({ code: 1000 });
  }

  /** The server (or the network) kills the connection. */
  drop(code = 1006): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.server.detach(this);
    this.onclose?.({ code });
  }

  deliver(message: ServerMessage): void {
    if (this.readyState !== 1 || this.dropTypes.has(message.type)) return;
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

export class FakeServer {
  state: MapState;
  readonly log: Patch[] = [];
  readonly sockets = new Set<FakeSocket>();
  readonly allSockets: FakeSocket[] = [];
  online = true;
  catchupWindow = 1000;
  /** Reject every batch whose ops contain this title (to test rejects). */
  rejectTitle: string | null = null;
  /**
   * The protocol version the server speaks. A `hello` announcing an older one is answered,
   * as the real server does, with `error` `reload_required` and a close with code 4426.
   */
  protocol: number | null = null;

  constructor(doc: MapDocument = emptyDocument()) {
    this.state = fromDocument(doc);
  }

  /** A socket factory for one user's engine. Connections fail while `online` is false. */
  factory(user: string) {
    return (_url: string): SocketLike => {
      const socket = new FakeSocket(this, user);
      this.allSockets.push(socket);
      queueMicrotask(() => {
        if (!this.online) {
          socket.readyState = 3;
          socket.onclose?.({ code: 1006 });
          return;
        }
        socket.readyState = 1;
        this.sockets.add(socket);
        socket.onopen?.({});
      });
      return socket;
    };
  }

  detach(socket: FakeSocket): void {
    this.sockets.delete(socket);
  }

  /** Everyone loses the network. */
  goOffline(): void {
    this.online = false;
    for (const socket of [...this.sockets]) socket.drop();
  }

  document(): MapDocument {
    return toDocument(this.state);
  }

  receive(socket: FakeSocket, message: ClientMessage): void {
    switch (message.type) {
      case 'hello': {
        if (this.protocol !== null && !(message.protocol >= this.protocol)) {
          socket.deliver({
            type: 'error',
            code: 'reload_required',
            detail: 'This page is out of date: reload it.',
            protocol: this.protocol,
          });
          socket.drop(4426);
          return;
        }
        const last = message.last_seq;
        if (last === null || last > this.state.seq || this.state.seq - last > this.catchupWindow) {
          socket.deliver({ type: 'snapshot', seq: this.state.seq, map: this.document() });
        } else {
          socket.deliver({
            type: 'catchup',
            seq: this.state.seq,
            patches: this.log.filter((p) => p.seq > last),
          });
        }
        return;
      }
      case 'ops':
        this.applyBatch(socket, message.op_id, message.ops);
        return;
      case 'ping':
        socket.deliver({ type: 'pong' });
        return;
      case 'presence':
        return;
    }
  }

  /** Apply a batch as `user` directly (someone editing over REST, say). */
  applyBatch(socket: FakeSocket | null, opId: string, ops: Op[], user = socket?.user ?? 'rest'): void {
    const logged = this.log.find((p) => p.op_id === opId);
    if (logged) {
      socket?.deliver({ type: 'ack', op_id: opId, seq: logged.seq });
      return;
    }
    for (const op of ops) {
      if (this.rejectTitle && op.fields.title === this.rejectTitle) {
        socket?.deliver({ type: 'reject', op_id: opId, code: 'invalid', detail: 'bad title' });
        return;
      }
    }
    let next = this.state;
    const normalised: Op[] = [];
    for (const op of ops) {
      if (op.entity !== 'map' && op.action !== 'create' && !next.items[op.entity][op.id]) {
        socket?.deliver({ type: 'reject', op_id: opId, code: 'not_found', detail: `no ${op.entity}` });
        return;
      }
      if (op.entity !== 'map' && op.action === 'create' && next.items[op.entity][op.id]) {
        socket?.deliver({ type: 'reject', op_id: opId, code: 'conflict', detail: 'exists' });
        return;
      }
      // Like the real server, a delete's patch names every row it takes with it.
      if (op.action === 'delete' && op.entity !== 'map') {
        const { doomed, cleared } = dependentsOf(next, op.entity, op.id);
        normalised.push(op);
        for (const [entity, ids] of doomed) {
          for (const id of ids) {
            if (id !== op.id) normalised.push({ action: 'delete', entity, id, fields: {} });
          }
        }
        for (const link of cleared) {
          normalised.push({ action: 'update', entity: link.entity, id: link.id, fields: { [link.field]: null } });
        }
      } else {
        normalised.push(op);
      }
      next = applyOps(next, [op], { cascade: true });
    }
    const seq = this.state.seq + 1;
    this.state = { ...next, seq };
    const patch: Patch = { seq, op_id: opId, actor: { id: user, name: user }, ops: normalised };
    this.log.push(patch);
    socket?.deliver({ type: 'ack', op_id: opId, seq });
    for (const peer of [...this.sockets]) peer.deliver({ type: 'patch', ...patch });
  }
}
