/**
 * Per-user undo/redo. Only the user's own actions are recorded; undoing sends ordinary ops.
 *
 * An entry remembers, for each row an action touched, the row before and after. The inverse
 * is computed at undo time against the current (optimistic) state, so it never clobbers
 * what somebody else did since: a field is restored only while it still holds the value
 * this user gave it, a row is recreated only if it is still gone, a move is reverted only
 * if nobody moved the item since. Redo is the same computation in the other direction.
 */
import { applyOp, dependentsOf, type MapState } from './state';
import {
  CREATE_ORDER,
  ENTITY_SCHEMA,
  containerFields,
  immutableFields,
  mapRefsOf,
  serverFields,
  type EntityName,
  type Fields,
  type ItemEntity,
  type Json,
  type Op,
  type Row,
} from './types';

export interface Change {
  entity: EntityName;
  id: string;
  before: Fields | null;
  after: Fields | null;
  /** The fields the action set (all of them for a create or delete). */
  fields: string[];
}

export interface HistoryEntry {
  op_id: string;
  label: string;
  changes: Change[];
}

export interface UndoTarget {
  readonly state: MapState | null;
  submit(ops: Op[]): string;
}

const MAX_ENTRIES = 200;

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return a === b;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

function rowOf(state: MapState, entity: EntityName, id: string): Fields | null {
  if (entity === 'map') return state.meta as unknown as Fields;
  return state.items[entity][id] ?? null;
}

function pick(row: Fields | null, fields: string[]): Fields | null {
  if (!row) return null;
  const out: Fields = {};
  for (const f of fields) if (f in row) out[f] = structuredClone(row[f]) as Json;
  return out;
}

/** What a batch of ops does to `state`, row by row (cascades included). */
export function changesOf(state: MapState, ops: readonly Op[]): Change[] {
  const changes = new Map<string, Change>();
  const note = (entity: EntityName, id: string, before: Fields | null, after: Fields | null, fields: string[]) => {
    const key = `${entity}:${id}`;
    const seen = changes.get(key);
    if (seen) {
      seen.after = after;
      for (const f of fields) if (!seen.fields.includes(f)) seen.fields.push(f);
      if (seen.before && before) for (const f of fields) if (!(f in seen.before) && f in before) seen.before[f] = before[f] as Json;
    } else {
      changes.set(key, { entity, id, before, after, fields: [...fields] });
    }
  };
  let current = state;
  for (const op of ops) {
    if (op.action === 'delete' && op.entity !== 'map') {
      const { doomed, cleared } = dependentsOf(current, op.entity, op.id);
      for (const [entity, ids] of doomed) {
        for (const id of ids) {
          const row = current.items[entity][id];
          if (row) note(entity, id, structuredClone(row), null, Object.keys(row));
        }
      }
      for (const link of cleared) {
        note(link.entity, link.id, { [link.field]: link.was }, { [link.field]: null }, [link.field]);
      }
      current = applyOp(current, op, { cascade: true });
      continue;
    }
    const beforeRow = rowOf(current, op.entity, op.id);
    const next = applyOp(current, op, { cascade: true });
    const afterRow = rowOf(next, op.entity, op.id);
    if (op.action === 'create') {
      if (afterRow) note(op.entity, op.id, null, structuredClone(afterRow), Object.keys(afterRow));
    } else if (beforeRow && afterRow) {
      const fields = Object.keys(op.fields);
      if (op.action === 'move' && op.entity !== 'map') {
        for (const f of [...containerFields(op.entity), 'order_key']) if (!fields.includes(f)) fields.push(f);
      }
      note(op.entity, op.id, pick(beforeRow, fields), pick(afterRow, fields), fields);
    }
    current = next;
  }
  return [...changes.values()];
}

/** Whether every row of the map that `fields` refer to (its stage, lane, touchpoint, target) exists. */
function refsPresent(state: MapState, entity: ItemEntity, fields: Fields): boolean {
  for (const [field, target] of mapRefsOf(entity)) {
    const id = fields[field];
    if (typeof id === 'string' && !state.items[target][id]) return false;
  }
  if (ENTITY_SCHEMA[entity].targets && fields.target_entity !== 'map') {
    const target = fields.target_entity as ItemEntity;
    if (!state.items[target]?.[String(fields.target_id)]) return false;
  }
  return true;
}

function createFields(entity: ItemEntity, row: Fields): Fields {
  const skip = new Set(['id', ...serverFields(entity)]);
  const fields: Fields = {};
  for (const [k, v] of Object.entries(row)) if (!skip.has(k)) fields[k] = v;
  return fields;
}

/**
 * The ops that take the rows of `changes` from `expected` back to `target`, valid against
 * `state`. Ops are checked one by one on a scratch copy, so the batch never names a row that
 * an earlier op of the same batch removed (a batch is all or nothing on the server).
 */
export function inverseOps(
  state: MapState,
  changes: readonly Change[],
  direction: 'undo' | 'redo',
  userId: string,
): Op[] {
  const rank = (e: EntityName) => CREATE_ORDER.indexOf(e);
  const creates: Change[] = [];
  const deletes: Change[] = [];
  const edits: Change[] = [];
  for (const change of changes) {
    const target = direction === 'undo' ? change.before : change.after;
    const expected = direction === 'undo' ? change.after : change.before;
    if (target === null && expected !== null) deletes.push(change);
    else if (target !== null && expected === null) creates.push(change);
    else if (target !== null) edits.push(change);
  }
  creates.sort((a, b) => rank(a.entity) - rank(b.entity));
  deletes.sort((a, b) => rank(a.entity) - rank(b.entity));
  const ops: Op[] = [];
  let scratch = state;
  const push = (op: Op) => {
    ops.push(op);
    scratch = applyOp(scratch, op, { cascade: true });
  };
  for (const change of creates) {
    if (change.entity === 'map') continue;
    const row = (direction === 'undo' ? change.before : change.after)!;
    if (scratch.items[change.entity][change.id]) continue;
    // Only this user's own comments and votes come back (the server makes the undoer their
    // author); ids arrive as numbers or strings, and a row still in flight has none yet.
    if (change.entity === 'comment' && String(row.author ?? userId) !== userId) continue;
    if (change.entity === 'vote' && String(row.voter ?? userId) !== userId) continue;
    const fields = createFields(change.entity, row);
    if (!refsPresent(scratch, change.entity, fields)) continue;
    if (change.entity === 'emotion') {
      const taken = Object.values(scratch.items.emotion).some(
        (e) => e.stage === fields.stage && e.persona === fields.persona,
      );
      if (taken) continue;
    }
    push({ action: 'create', entity: change.entity, id: change.id, fields });
  }
  for (const change of edits) {
    const target = (direction === 'undo' ? change.before : change.after)!;
    const expected = (direction === 'undo' ? change.after : change.before)!;
    const current = rowOf(scratch, change.entity, change.id);
    if (!current) continue;
    const entity = change.entity;
    const movable = entity === 'map' ? [] : [...containerFields(entity), 'order_key'];
    const moveFields = change.fields.filter((f) => movable.includes(f));
    if (moveFields.length && entity !== 'map') {
      const untouched = moveFields.every((f) => deepEqual(current[f], expected[f]));
      const differs = moveFields.some((f) => !deepEqual(current[f], target[f]));
      const containerOk = mapRefsOf(entity)
        .filter(([f]) => containerFields(entity).includes(f))
        .every(([f, of]) => typeof target[f] !== 'string' || Boolean(scratch.items[of][target[f] as string]));
      if (untouched && differs && containerOk) {
        const fields: Fields = {};
        for (const f of moveFields) fields[f] = target[f] as Json;
        push({ action: 'move', entity, id: change.id, fields });
      }
    }
    const fixed = new Set([...(entity === 'map' ? [] : immutableFields(entity)), ...movable, 'id']);
    const fields: Fields = {};
    for (const f of change.fields) {
      if (fixed.has(f) || !(f in target)) continue;
      if (deepEqual(current[f], expected[f]) && !deepEqual(current[f], target[f])) {
        fields[f] = structuredClone(target[f]) as Json;
      }
    }
    // A link to a row that is gone by now (a friction point's touchpoint) is left as it is.
    for (const [f, of] of mapRefsOf(entity)) {
      const id = fields[f];
      if (typeof id === 'string' && !scratch.items[of][id]) delete fields[f];
    }
    if (Object.keys(fields).length) push({ action: 'update', entity, id: change.id, fields });
  }
  for (const change of deletes) {
    if (change.entity === 'map') continue;
    if (!scratch.items[change.entity][change.id]) continue;
    push({ action: 'delete', entity: change.entity, id: change.id, fields: {} });
  }
  return ops;
}

export class UndoManager {
  private undoStack: HistoryEntry[] = [];
  private redoStack: HistoryEntry[] = [];
  private listeners = new Set<() => void>();
  private version = 0;

  constructor(
    private readonly target: UndoTarget,
    private readonly userId: string,
  ) {}

  /** Submit a user action and remember it for undo. Returns the op_id (or null). */
  perform(ops: Op[], label = 'edit'): string | null {
    const state = this.target.state;
    if (!state || !ops.length) return null;
    const changes = changesOf(state, ops);
    const opId = this.target.submit(ops);
    if (changes.length) {
      this.undoStack.push({ op_id: opId, label, changes });
      if (this.undoStack.length > MAX_ENTRIES) this.undoStack.shift();
      this.redoStack = [];
      this.changed();
    }
    return opId;
  }

  undo(): boolean {
    return this.step(this.undoStack, this.redoStack, 'undo');
  }

  redo(): boolean {
    return this.step(this.redoStack, this.undoStack, 'redo');
  }

  private step(from: HistoryEntry[], to: HistoryEntry[], direction: 'undo' | 'redo'): boolean {
    const state = this.target.state;
    if (!state) return false;
    // An entry with nothing left to revert (others changed all of it) is skipped, so one
    // keypress always does something visible when anything can be done.
    while (from.length) {
      const entry = from.pop()!;
      const ops = inverseOps(state, entry.changes, direction, this.userId);
      if (!ops.length) continue;
      const opId = this.target.submit(ops);
      to.push({ ...entry, op_id: opId });
      this.changed();
      return true;
    }
    this.changed();
    return false;
  }

  /** The server refused a batch: forget the entry it made (its change never happened). */
  forget(opId: string): void {
    const before = this.undoStack.length + this.redoStack.length;
    this.undoStack = this.undoStack.filter((e) => e.op_id !== opId);
    this.redoStack = this.redoStack.filter((e) => e.op_id !== opId);
    if (before !== this.undoStack.length + this.redoStack.length) this.changed();
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  private changed(): void {
    this.version += 1;
    for (const l of [...this.listeners]) l();
  }
}

export type { Row };
