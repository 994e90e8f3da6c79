import { createContext, useContext } from 'react';
import type { MapState } from '../sync/state';
import type { DirectoryChannel, DirectoryPersona, Op, PresenceFocus } from '../sync/types';
import type { BoardHeat } from '../analysis/heat';
import type { BoardItemEntity, Tallies } from './model';

export interface Selection {
  entity: BoardItemEntity;
  id: string;
}

export interface BoardFeature {
  id: string;
  name: string;
  status: string;
}

export interface PeerMark {
  name: string;
  color: string;
}

export interface BoardContextValue {
  state: MapState;
  readOnly: boolean;
  meId: string | null;
  perform: (ops: Op[], label?: string) => void;
  setFocus: (focus: PresenceFocus | null) => void;
  peerFocus: ReadonlyMap<string, PeerMark>;
  flash: ReadonlyMap<string, string>;
  persona: string | null;
  tallies: Tallies;
  selected: Selection | null;
  select: (selection: Selection | null) => void;
  channels: ReadonlyMap<string, DirectoryChannel>;
  personas: ReadonlyMap<string, DirectoryPersona>;
  /** The workspace's features, for what resolves a friction point (none through a share link). */
  features: ReadonlyMap<string, BoardFeature>;
  /** An item (or stage/lane) whose name should open in edit mode once it renders. */
  editRequest: string | null;
  requestEdit: (id: string | null) => void;
  /** Keep keyboard focus on an item after it moves to another cell. */
  focusRequest: string | null;
  requestFocus: (id: string | null) => void;
  announce: (message: string) => void;
  votesLeft: number;
  /** Traffic and hotspots from the journey analysis, while "show on board" is on. */
  heat: BoardHeat | null;
}

export const BoardContext = createContext<BoardContextValue | null>(null);

export function useBoard(): BoardContextValue {
  const value = useContext(BoardContext);
  if (!value) throw new Error('useBoard outside a board');
  return value;
}
