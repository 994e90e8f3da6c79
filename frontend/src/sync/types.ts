/** The wire protocol (docs/protocol.md) and the map document's shape (docs/architecture.md). */

import {
  COLLECTIONS,
  CONTAINER_FIELDS,
  ENTITY_NAMES,
  ENTITY_SCHEMA,
  IMMUTABLE_FIELDS,
  ITEM_ENTITIES,
  MAP_REFS,
  ORDERED_ENTITIES,
  SERVER_FIELDS,
} from './schema.gen';

// The entity schema is generated from the server's entity registry (`manage.py entity_schema`
// writes schema.gen.ts); everything here about entities and fields derives from it.
export {
  CASCADE,
  COLLECTIONS,
  CONTAINER_FIELDS,
  CREATE_ORDER,
  ENTITY_NAMES,
  ENTITY_SCHEMA,
  IMMUTABLE_FIELDS,
  ITEM_ENTITIES,
  MAP_REFS,
  ORDERED_ENTITIES,
  PROTOCOL_VERSION,
  SERVER_FIELDS,
  WORKSPACE_REFS,
} from './schema.gen';

export type EntityName = (typeof ENTITY_NAMES)[number];

export type ItemEntity = (typeof ITEM_ENTITIES)[number];

export type OrderedEntity = (typeof ORDERED_ENTITIES)[number];

/** The key of an entity's list in the map document (`card` → `cards`). */
export type CollectionName<E extends ItemEntity = ItemEntity> = (typeof COLLECTIONS)[E];

type Schema = typeof ENTITY_SCHEMA;
interface FieldTypes {
  string: string;
  number: number;
  boolean: boolean;
  'string[]': string[];
}
type FieldValue<F> = F extends { type: infer T extends keyof FieldTypes; nullable: infer N }
  ? N extends true
    ? FieldTypes[T] | null
    : FieldTypes[T]
  : never;

/** The field names of an entity, as the server knows them. */
export type FieldName<E extends EntityName> = keyof Schema[E]['fields'] & string;

/** An entity's fields with their types (server-set fields excluded). */
export type EntityFields<E extends EntityName> = {
  -readonly [K in FieldName<E>]: FieldValue<Schema[E]['fields'][K]>;
};

/** One row of an item entity as the map document carries it. */
export type EntityRow<E extends ItemEntity> = { id: string } & EntityFields<E> & {
    [K in (typeof SERVER_FIELDS)[E][number]]?: Json;
  };

/** Fields that say where an item sits (`stage`, `lane`); they change with `move`. */
export type ContainerField<E extends ItemEntity> = (typeof CONTAINER_FIELDS)[E][number];

/** Fields of `E` holding the id of another row of the map, and that row's entity. */
export type MapRefs<E extends EntityName> = (typeof MAP_REFS)[E];

/** Entities whose rows carry an `order_key` and are moved with `move` ops. */
export const ORDERED: ReadonlySet<ItemEntity> = new Set<ItemEntity>(ORDERED_ENTITIES);

/** `CONTAINER_FIELDS`, `IMMUTABLE_FIELDS` and `SERVER_FIELDS` widened to plain string lists. */
export const containerFields = (entity: ItemEntity): readonly string[] => CONTAINER_FIELDS[entity];
export const immutableFields = (entity: ItemEntity): readonly string[] => IMMUTABLE_FIELDS[entity];
export const serverFields = (entity: ItemEntity): readonly string[] => SERVER_FIELDS[entity];

/** The map-scoped references of an entity: [field, entity it points at]. */
export function mapRefsOf(entity: EntityName): [string, ItemEntity][] {
  return Object.entries(MAP_REFS[entity]) as [string, ItemEntity][];
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Fields = Record<string, Json>;

export type Action = 'create' | 'update' | 'move' | 'delete';

export interface Op {
  action: Action;
  entity: EntityName;
  id: string;
  fields: Fields;
}

export interface Actor {
  id: string;
  name: string;
}

export interface Patch {
  type?: 'patch';
  seq: number;
  op_id: string;
  actor: Actor;
  ops: Op[];
}

export interface Row extends Fields {
  id: string;
}

export interface DirectoryChannel {
  id: string;
  name: string;
  kind: string;
  color: string;
}

export interface DirectoryPersona {
  id: string;
  name: string;
  tier: string;
  color: string;
  photo: string | null;
}

/** GET /api/maps/<id>/ and the `snapshot` message's `map`: the map's own fields, then one
 * list per item entity under its collection name. */
export type MapDocument = {
  id: string;
  workspace: string;
  seq: number;
  directory: { channels: DirectoryChannel[]; personas: DirectoryPersona[] };
} & EntityFields<'map'> & { [E in ItemEntity as CollectionName<E>]: Row[] };

export interface PresenceFocus {
  entity: string;
  id: string;
  field?: string | null;
}

export interface Peer {
  client_id: string;
  user: { id: string; name: string; [key: string]: Json };
  color: string;
  focus: PresenceFocus | null;
}

/** Who the server says this connection is (sent with the snapshot or catch-up). */
export interface You {
  client_id: string;
  role: string;
  user: { id: string; name: string; [key: string]: Json };
  color?: string | null;
}

export type ServerMessage =
  | { type: 'snapshot'; seq: number; map: MapDocument; you?: You }
  | { type: 'catchup'; seq: number; patches: Patch[]; you?: You }
  | { type: 'ack'; op_id: string; seq: number }
  | ({ type: 'patch' } & Patch)
  | { type: 'reject'; op_id: string; code: string; detail: string; index?: number; field?: string }
  | { type: 'presence'; peers: Peer[]; you?: string }
  | { type: 'pong' }
  | {
      type: 'error';
      code: string;
      detail: string;
      op_id?: string;
      /** With `reload_required`: the version the server speaks. */
      protocol?: number;
      retry_after?: number;
    };

export type ClientMessage =
  | { type: 'hello'; last_seq: number | null; protocol: number }
  | { type: 'ops'; op_id: string; ops: Op[] }
  | { type: 'presence'; focus: PresenceFocus | null }
  | { type: 'ping' };

export function collectionOf<E extends ItemEntity>(entity: E): CollectionName<E> {
  return COLLECTIONS[entity];
}
