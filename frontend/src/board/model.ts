/** Board-level reading of the map state: what goes in which cell, filters, tallies. */
import { ordered, sortByOrder, type MapState } from '../sync/state';
import type { ItemEntity, Row } from '../sync/types';

export type LaneKind =
  | 'actions'
  | 'thoughts'
  | 'emotions'
  | 'touchpoints'
  | 'friction'
  | 'opportunities'
  | 'content'
  | 'backstage'
  | 'text';

export type BoardItemEntity = 'card' | 'touchpoint' | 'friction' | 'content';

export const LANE_KINDS: { kind: LaneKind; label: string; hint: string }[] = [
  { kind: 'actions', label: 'Actions', hint: 'What the customer does' },
  { kind: 'thoughts', label: 'Thoughts', hint: 'What they think and ask' },
  { kind: 'emotions', label: 'Emotions', hint: 'The emotion curve per persona' },
  { kind: 'touchpoints', label: 'Touchpoints', hint: 'Where they meet you, by channel' },
  { kind: 'friction', label: 'Friction points', hint: 'What gets in their way, by severity' },
  { kind: 'opportunities', label: 'Opportunities', hint: 'Ideas to improve the step' },
  { kind: 'content', label: 'Content', hint: 'Content assigned to the step' },
  { kind: 'backstage', label: 'Backstage', hint: 'What staff and systems do' },
  { kind: 'text', label: 'Notes', hint: 'Free text' },
];

export function laneLabel(kind: string): string {
  return LANE_KINDS.find((k) => k.kind === kind)?.label ?? kind;
}

export function entityForLane(kind: string): BoardItemEntity | null {
  switch (kind) {
    case 'touchpoints':
      return 'touchpoint';
    case 'friction':
      return 'friction';
    case 'content':
      return 'content';
    case 'emotions':
      return null;
    default:
      return 'card';
  }
}

export const ENTITY_NOUN: Record<BoardItemEntity, string> = {
  card: 'card',
  touchpoint: 'touchpoint',
  friction: 'friction point',
  content: 'content item',
};

export interface PersonaFilter {
  persona: string | null; // null: all personas
}

/** Does an item show under the persona filter? Items without a persona belong to everyone. */
export function visibleFor(entity: BoardItemEntity, row: Row, persona: string | null): boolean {
  if (!persona) return true;
  if (entity === 'touchpoint' || entity === 'content') return !row.persona || row.persona === persona;
  if (entity === 'friction') {
    const list = Array.isArray(row.personas) ? (row.personas as string[]) : [];
    return list.length === 0 || list.includes(persona);
  }
  return true;
}

export function cellItems(
  state: MapState,
  entity: BoardItemEntity,
  stageId: string,
  laneId: string,
): Row[] {
  return sortByOrder(
    Object.values(state.items[entity]).filter((row) => row.stage === stageId && row.lane === laneId),
  );
}

export function stages(state: MapState): Row[] {
  return ordered(state, 'stage');
}

export function lanes(state: MapState): Row[] {
  return ordered(state, 'lane');
}

export interface Tallies {
  votes: Map<string, number>;
  myVotes: Map<string, string[]>; // target id → my vote ids
  myVoteCount: number;
  comments: Map<string, number>; // unresolved comments per target
}

export function tallies(state: MapState, meId: string | null): Tallies {
  const votes = new Map<string, number>();
  const myVotes = new Map<string, string[]>();
  let myVoteCount = 0;
  for (const vote of Object.values(state.items.vote)) {
    const target = String(vote.target_id);
    votes.set(target, (votes.get(target) ?? 0) + 1);
    // A vote of mine still in flight has no voter yet (the server sets it).
    if (meId && (vote.voter === undefined || String(vote.voter) === meId)) {
      myVoteCount += 1;
      myVotes.set(target, [...(myVotes.get(target) ?? []), vote.id]);
    }
  }
  const comments = new Map<string, number>();
  for (const comment of Object.values(state.items.comment)) {
    if (comment.resolved) continue;
    const target = String(comment.target_id);
    comments.set(target, (comments.get(target) ?? 0) + 1);
  }
  return { votes, myVotes, myVoteCount, comments };
}

/** Personas the emotion curve draws: the map's own, then any with points on it. */
export function curvePersonas(state: MapState): string[] {
  const ids = [...state.meta.personas];
  for (const point of Object.values(state.items.emotion)) {
    const id = String(point.persona);
    if (!ids.includes(id)) ids.push(id);
  }
  const known = new Set(state.directory.personas.map((p) => p.id));
  return ids.filter((id) => known.has(id));
}

export function newId(): string {
  return crypto.randomUUID();
}

export type { ItemEntity, Row };
