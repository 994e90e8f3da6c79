/**
 * The map as a client holds it: rows by entity and id, plus the map's own fields.
 *
 * `applyOp` is pure and copy-on-write (only the touched collection is copied), so React can
 * compare collections by identity, and the sync engine can rebuild the optimistic view as
 * "server state + pending ops" cheaply on every change.
 */
import {
  CASCADE,
  ENTITY_SCHEMA,
  ITEM_ENTITIES,
  ORDERED,
  type DirectoryChannel,
  type DirectoryPersona,
  type EntityFields,
  type FieldName,
  type ItemEntity,
  type MapDocument,
  type Op,
  type Row,
  collectionOf,
} from './types';

/** The map's own fields (title, description, votes_per_user, personas, …). */
export interface MapMeta extends EntityFields<'map'> {
  id: string;
  workspace: string;
}

const MAP_FIELDS = Object.keys(ENTITY_SCHEMA.map.fields) as FieldName<'map'>[];

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
    // A base saved by an older client may lack a collection added since.
    const rows: Row[] = doc[collectionOf(entity)] ?? [];
    const byId: Record<string, Row> = {};
    for (const row of rows) byId[row.id] = row;
    items[entity] = byId;
  }
  const meta: Record<string, unknown> = { id: doc.id, workspace: doc.workspace };
  for (const field of MAP_FIELDS) meta[field] = structuredClone(doc[field]);
  return {
    seq: doc.seq,
    meta: meta as unknown as MapMeta,
    items,
    directory: doc.directory ?? { channels: [], personas: [] },
  };
}

/** Back to the document shape (ordered collections sorted as the server sorts them). */
export function toDocument(state: MapState): MapDocument {
  const doc: Record<string, unknown> = {
    ...structuredClone(state.meta),
    seq: state.seq,
    directory: state.directory,
  };
  for (const entity of ITEM_ENTITIES) {
    const rows = Object.values(state.items[entity]);
    doc[collectionOf(entity)] = ORDERED.has(entity) ? sortByOrder(rows) : rows;
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

/** A row that stays but loses its link to a removed row (a friction point's touchpoint). */
export interface ClearedLink {
  entity: ItemEntity;
  id: string;
  field: string;
  /** The id the field held. */
  was: string;
}

export interface Dependents {
  doomed: Map<ItemEntity, Set<string>>;
  cleared: ClearedLink[];
}

interface CascadeRule {
  readonly entity: ItemEntity;
  readonly field: string;
  readonly via: 'ref' | 'target';
}

// The generated rules, checked against the shape this module reads.
const CASCADE_RULES: Readonly<
  Record<ItemEntity, { readonly removes: readonly CascadeRule[]; readonly clears: readonly CascadeRule[] }>
> = CASCADE;

function holdsOneOf(value: unknown, ids: ReadonlySet<string>): value is string {
  return typeof value === 'string' && ids.has(value);
}

/**
 * What deleting a row takes with it: a mirror of the server's `cascade.dependents_of`, driven
 * by the generated `CASCADE` rules. Each removed row removes in turn what depends on it;
 * links to removed rows from rows that stay are listed in `cleared`.
 */
export function dependentsOf(state: MapState, entity: ItemEntity, id: string): Dependents {
  const doomed = new Map<ItemEntity, Set<string>>();
  const add = (name: ItemEntity, rowId: string, into: Map<ItemEntity, Set<string>>): boolean => {
    let all = doomed.get(name);
    if (!all) doomed.set(name, (all = new Set()));
    if (all.has(rowId)) return false;
    all.add(rowId);
    let fresh = into.get(name);
    if (!fresh) into.set(name, (fresh = new Set()));
    fresh.add(rowId);
    return true;
  };
  let frontier = new Map<ItemEntity, Set<string>>();
  add(entity, id, frontier);
  while (frontier.size) {
    const next = new Map<ItemEntity, Set<string>>();
    for (const [parent, ids] of frontier) {
      for (const rule of CASCADE_RULES[parent].removes) {
        for (const row of Object.values(state.items[rule.entity])) {
          const hit =
            rule.via === 'target'
              ? row.target_entity === parent && holdsOneOf(row.target_id, ids)
              : holdsOneOf(row[rule.field], ids);
          if (hit) add(rule.entity, row.id, next);
        }
      }
    }
    frontier = next;
  }
  const cleared: ClearedLink[] = [];
  for (const [parent, ids] of doomed) {
    for (const rule of CASCADE_RULES[parent].clears) {
      const gone = doomed.get(rule.entity);
      for (const row of Object.values(state.items[rule.entity])) {
        const value = row[rule.field];
        if (holdsOneOf(value, ids) && !gone?.has(row.id)) {
          cleared.push({ entity: rule.entity, id: row.id, field: rule.field, was: value });
        }
      }
    }
  }
  return { doomed, cleared };
}

function deleteWithDependents(state: MapState, entity: ItemEntity, id: string): MapState {
  if (state.items[entity][id] === undefined) return state;
  const { doomed, cleared } = dependentsOf(state, entity, id);
  const items = { ...state.items };
  for (const [name, ids] of doomed) {
    const next = { ...items[name] };
    for (const rowId of ids) delete next[rowId];
    items[name] = next;
  }
  const copied = new Set<ItemEntity>();
  for (const link of cleared) {
    if (!copied.has(link.entity)) {
      items[link.entity] = { ...items[link.entity] };
      copied.add(link.entity);
    }
    const rows = items[link.entity] as Record<string, Row>;
    const row = rows[link.id];
    if (row) rows[link.id] = { ...row, [link.field]: null };
  }
  return { ...state, items };
}

/** Rows of a collection in display order. */
export function ordered(state: MapState, entity: ItemEntity): Row[] {
  return sortByOrder(Object.values(state.items[entity]));
}
