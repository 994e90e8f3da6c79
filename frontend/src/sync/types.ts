/** The wire protocol of DESIGN.md ("Live protocol") and the map document's shape. */

export type EntityName =
  | 'map'
  | 'stage'
  | 'lane'
  | 'card'
  | 'touchpoint'
  | 'friction'
  | 'content'
  | 'emotion'
  | 'transition'
  | 'comment'
  | 'vote';

export type ItemEntity = Exclude<EntityName, 'map'>;

export const ITEM_ENTITIES: readonly ItemEntity[] = [
  'stage',
  'lane',
  'card',
  'touchpoint',
  'friction',
  'content',
  'emotion',
  'transition',
  'comment',
  'vote',
];

/** Entities whose rows carry an `order_key` and are moved with `move` ops. */
export const ORDERED: ReadonlySet<ItemEntity> = new Set<ItemEntity>([
  'stage',
  'lane',
  'card',
  'touchpoint',
  'friction',
  'content',
]);

/** Fields that say where an item sits; they change with `move`, never `update`. */
export const CONTAINER_FIELDS: Readonly<Record<ItemEntity, readonly string[]>> = {
  stage: [],
  lane: [],
  card: ['stage', 'lane'],
  touchpoint: ['stage', 'lane'],
  friction: ['stage', 'lane'],
  content: ['stage', 'lane'],
  emotion: [],
  transition: [],
  comment: [],
  vote: [],
};

/** Fields set by the server that a client must never send. */
export const SERVER_FIELDS: Readonly<Partial<Record<ItemEntity, readonly string[]>>> = {
  comment: ['author', 'author_name', 'created_at'],
  vote: ['voter'],
};

/** Fields fixed at creation (an update of them is refused). */
export const IMMUTABLE_FIELDS: Readonly<Partial<Record<ItemEntity, readonly string[]>>> = {
  emotion: ['stage', 'persona'],
  transition: ['from_touchpoint', 'to_touchpoint'],
  comment: ['target_entity', 'target_id'],
  vote: ['target_entity', 'target_id'],
};

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

/** GET /api/maps/<id>/ and the `snapshot` message's `map`. */
export interface MapDocument {
  id: string;
  workspace: string;
  seq: number;
  title: string;
  description: string;
  votes_per_user: number;
  personas: string[];
  stages: Row[];
  lanes: Row[];
  cards: Row[];
  touchpoints: Row[];
  frictions: Row[];
  contents: Row[];
  emotions: Row[];
  transitions: Row[];
  comments: Row[];
  votes: Row[];
  directory: { channels: DirectoryChannel[]; personas: DirectoryPersona[] };
}

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
  | { type: 'error'; code: string; detail: string };

export type ClientMessage =
  | { type: 'hello'; last_seq: number | null }
  | { type: 'ops'; op_id: string; ops: Op[] }
  | { type: 'presence'; focus: PresenceFocus | null }
  | { type: 'ping' };

export function collectionOf(entity: ItemEntity): string {
  return `${entity}s`;
}
