/**
 * The map as a client holds it: rows by entity and id, plus the map's own fields.
 *
 * `applyOp` is pure and copy-on-write (only the touched collection is copied), so React can
 * compare collections by identity, and the sync engine can rebuild the optimistic view as
 * "server state + pending ops" cheaply on every change.
 */
import {
  ITEM_ENTITIES,
  type DirectoryChannel,
  type DirectoryPersona,
  type ItemEntity,
  type MapDocument,
  type Op,
  type Row,
  collectionOf,
} from './types';

export interface MapMeta {
  id: string;
  workspace: string;
  title: string;
  description: string;
  votes_per_user: number;
  personas: string[];
}

export type Collections = Record<ItemEntity, Readonly<Record<string, Row>>>;

export interface MapState {
  seq: number;
  meta: MapMeta;
  items: Readonly<Collections>;
  directory: { channels: DirectoryChannel[]; personas: DirectoryPersona[] };
}

function emptyCollections(): Collections {
  const items = {} as Collections;
  for (const entity of ITEM_ENTITIES) items[entity] = {};
  return items;
}

export function fromDocument(doc: MapDocument): MapState {
  const items = emptyCollections();
  for (const entity of ITEM_ENTITIES) {
    const rows = (doc as unknown as Record<string, Row[] | undefined>)[collectionOf(entity)] ?? [];
    const byId: Record<string, Row> = {};
    for (const row of rows) byId[row.id] = row;
    items[entity] = byId;
  }
  return {
    seq: doc.seq,
    meta: {
      id: doc.id,
      workspace: doc.workspace,
      title: doc.title,
      description: doc.description,
      votes_per_user: doc.votes_per_user,
      personas: [...doc.personas],
    },
    items,
    directory: doc.directory ?? { channels: [], personas: [] },
  };
}

/** Back to the document shape (ordered collections sorted as the server sorts them). */
export function toDocument(state: MapState): MapDocument {
  const doc: Record<string, unknown> = {
    id: state.meta.id,
    workspace: state.meta.workspace,
    seq: state.seq,
    title: state.meta.title,
    description: state.meta.description,
    votes_per_user: state.meta.votes_per_user,
    personas: [...state.meta.personas],
    directory: state.directory,
  };
  for (const entity of ITEM_ENTITIES) {
    const rows = Object.values(state.items[entity]);
    doc[collectionOf(entity)] = rows[0] && 'order_key' in rows[0] ? sortByOrder(rows) : rows;
  }
  return doc as unknown as MapDocument;
}

/** Fractional-index keys compare by code point (not locale): the order the server uses. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortByOrder<T extends Row>(rows: Iterable<T>): T[] {
  return [...rows].sort(
    (a, b) =>
      compareKeys(String(a.order_key ?? ''), String(b.order_key ?? '')) || compareKeys(a.id, b.id),
  );
}

function withCollection(state: MapState, entity: ItemEntity, rows: Record<string, Row>): MapState {
  return { ...state, items: { ...state.items, [entity]: rows } };
}

/**
 * Apply one op. Ops on rows that no longer exist are ignored: the server refuses them
 * (`not_found`), and locally such an op can only be a pending edit that lost a race.
 * With `cascade`, a delete also removes what the server's delete would take with it, so a
 * pending delete looks right before the server's patch (which names every row) arrives.
 */
export function applyOp(state: MapState, op: Op, options: { cascade?: boolean } = {}): MapState {
  if (op.entity === 'map') {
    if (op.action !== 'update') return state;
    const meta = { ...state.meta } as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(op.fields)) meta[key] = value;
    return { ...state, meta: meta as unknown as MapMeta };
  }
  const entity = op.entity;
  const rows = state.items[entity];
  if (rows === undefined) return state;
  switch (op.action) {
    case 'create':
      return withCollection(state, entity, {
        ...rows,
        [op.id]: { ...(rows[op.id] ?? {}), ...op.fields, id: op.id },
      });
    case 'update':
    case 'move': {
      const row = rows[op.id];
      if (row === undefined) return state;
      return withCollection(state, entity, { ...rows, [op.id]: { ...row, ...op.fields, id: op.id } });
    }
    case 'delete': {
      if (!options.cascade) {
        if (rows[op.id] === undefined) return state;
        const next = { ...rows };
        delete next[op.id];
        return withCollection(state, entity, next);
      }
      return deleteWithDependents(state, entity, op.id);
    }
    default:
      return state;
  }
}

export function applyOps(state: MapState, ops: readonly Op[], options: { cascade?: boolean } = {}) {
  let next = state;
  for (const op of ops) next = applyOp(next, op, options);
  return next;
}

export interface Dependents {
  doomed: Map<ItemEntity, Set<string>>;
  unlinkedFrictions: Set<string>;
}

/** What deleting a row takes with it: a mirror of the server's `cascade.dependents_of`. */
export function dependentsOf(state: MapState, entity: ItemEntity, id: string): Dependents {
  const doomed = new Map<ItemEntity, Set<string>>();
  const add = (name: ItemEntity, rowId: string) => {
    let set = doomed.get(name);
    if (!set) doomed.set(name, (set = new Set()));
    set.add(rowId);
  };
  add(entity, id);
  if (entity === 'stage' || entity === 'lane') {
    const children: ItemEntity[] = ['card', 'touchpoint', 'friction', 'content'];
    if (entity === 'stage') children.push('emotion');
    for (const child of children) {
      for (const row of Object.values(state.items[child])) {
        if (row[entity] === id) add(child, row.id);
      }
    }
  }
  const touchpoints = doomed.get('touchpoint') ?? new Set<string>();
  const unlinkedFrictions = new Set<string>();
  if (touchpoints.size) {
    for (const row of Object.values(state.items.transition)) {
      if (touchpoints.has(String(row.from_touchpoint)) || touchpoints.has(String(row.to_touchpoint)))
        add('transition', row.id);
    }
    const doomedFrictions = doomed.get('friction') ?? new Set<string>();
    for (const row of Object.values(state.items.friction)) {
      if (touchpoints.has(String(row.touchpoint)) && !doomedFrictions.has(row.id))
        unlinkedFrictions.add(row.id);
    }
  }
  if (entity !== 'comment' && entity !== 'vote') {
    const targets = new Set<string>();
    for (const ids of doomed.values()) for (const rowId of ids) targets.add(rowId);
    for (const name of ['comment', 'vote'] as const) {
      for (const row of Object.values(state.items[name])) {
        if (targets.has(String(row.target_id))) add(name, row.id);
      }
    }
  }
  return { doomed, unlinkedFrictions };
}

function deleteWithDependents(state: MapState, entity: ItemEntity, id: string): MapState {
  if (state.items[entity][id] === undefined) return state;
  const { doomed, unlinkedFrictions } = dependentsOf(state, entity, id);
  const items = { ...state.items };
  for (const [name, ids] of doomed) {
    const next = { ...items[name] };
    for (const rowId of ids) delete next[rowId];
    items[name] = next;
  }
  if (unlinkedFrictions.size) {
    const frictions = { ...items.friction };
    for (const rowId of unlinkedFrictions) {
      const row = frictions[rowId];
      if (row) frictions[rowId] = { ...row, touchpoint: null };
    }
    items.friction = frictions;
  }
  return { ...state, items };
}

/** Rows of a collection in display order. */
export function ordered(state: MapState, entity: ItemEntity): Row[] {
  return sortByOrder(Object.values(state.items[entity]));
}
