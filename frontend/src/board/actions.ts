/** The board's user actions, each one batch of ops through the undo manager. */
import { keyAtIndex } from '../sync/order';
import type { Fields, Op, Row } from '../sync/types';
import { useBoard, type BoardContextValue } from './BoardContext';
import { cellItems, entityForLane, ENTITY_NOUN, lanes, newId, stages, type BoardItemEntity } from './model';

export function createItemOps(
  board: BoardContextValue,
  entity: BoardItemEntity,
  stage: string,
  lane: string,
  title: string,
): Op {
  const siblings = cellItems(board.state, entity, stage, lane);
  const fields: Fields = { stage, lane, title, order_key: keyAtIndex(siblings, siblings.length) };
  if ((entity === 'touchpoint' || entity === 'content') && board.persona) fields.persona = board.persona;
  if (entity === 'friction') fields.personas = board.persona ? [board.persona] : [];
  return { action: 'create', entity, id: newId(), fields };
}

export function moveItemOp(
  board: BoardContextValue,
  entity: BoardItemEntity,
  id: string,
  stage: string,
  lane: string,
  index: number,
): Op | null {
  const row = board.state.items[entity][id];
  if (!row) return null;
  const siblings = cellItems(board.state, entity, stage, lane).filter((r) => r.id !== id);
  const order_key = keyAtIndex(siblings, index);
  return { action: 'move', entity, id, fields: { stage, lane, order_key } };
}

export function useItemActions() {
  const board = useBoard();
  return {
    remove(entity: BoardItemEntity, row: Row) {
      board.perform([{ action: 'delete', entity, id: row.id, fields: {} }], 'delete');
      if (board.selected?.id === row.id) board.select(null);
      board.announce(`Deleted ${ENTITY_NOUN[entity]} “${String(row.title)}”. Ctrl+Z brings it back.`);
    },
    vote(entity: BoardItemEntity | 'stage' | 'lane', targetId: string) {
      if (board.votesLeft <= 0) {
        board.announce('No votes left on this map. Shift-click a dot to take one back.');
        return;
      }
      board.perform(
        [{ action: 'create', entity: 'vote', id: newId(), fields: { target_entity: entity, target_id: targetId } }],
        'vote',
      );
    },
    unvote(targetId: string) {
      const mine = board.tallies.myVotes.get(targetId);
      if (!mine?.length) return;
      board.perform([{ action: 'delete', entity: 'vote', id: mine.at(-1)!, fields: {} }], 'unvote');
    },
    /** Alt+arrows: up/down within the cell, left/right to the neighbouring stage;
     * Alt+Shift+up/down to the nearest lane above or below that holds the same kind of item. */
    moveByKey(
      entity: BoardItemEntity,
      row: Row,
      key: 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight',
      shift = false,
    ) {
      const stage = String(row.stage);
      const lane = String(row.lane);
      let op: Op | null = null;
      let where = '';
      if (shift && (key === 'ArrowUp' || key === 'ArrowDown')) {
        const list = lanes(board.state);
        const index = list.findIndex((l) => l.id === lane);
        const step = key === 'ArrowUp' ? -1 : 1;
        let target: Row | undefined;
        for (let i = index + step; i >= 0 && i < list.length; i += step) {
          if (entityForLane(String(list[i]!.kind)) === entity) {
            target = list[i];
            break;
          }
        }
        if (!target) return;
        const count = cellItems(board.state, entity, stage, target.id).length;
        op = moveItemOp(board, entity, row.id, stage, target.id, count);
        where = `lane “${String(target.name)}”`;
      } else if (key === 'ArrowUp' || key === 'ArrowDown') {
        const cell = cellItems(board.state, entity, stage, lane);
        const index = cell.findIndex((r) => r.id === row.id);
        const target = key === 'ArrowUp' ? index - 1 : index + 1;
        if (target < 0 || target >= cell.length) return;
        op = moveItemOp(board, entity, row.id, stage, lane, target);
        where = `position ${target + 1} of ${cell.length}`;
      } else if (key === 'ArrowLeft' || key === 'ArrowRight') {
        const list = stages(board.state);
        const index = list.findIndex((s) => s.id === stage);
        const target = list[key === 'ArrowLeft' ? index - 1 : index + 1];
        if (!target) return;
        const count = cellItems(board.state, entity, target.id, lane).length;
        op = moveItemOp(board, entity, row.id, target.id, lane, count);
        where = `stage “${String(target.name)}”`;
      }
      if (!op) return;
      board.perform([op], 'move');
      board.requestFocus(row.id);
      board.announce(`Moved “${String(row.title)}” to ${where}.`);
    },
  };
}

export function useStructureActions() {
  const board = useBoard();
  return {
    addStage(name = 'New stage') {
      const list = stages(board.state);
      const id = newId();
      board.perform(
        [{ action: 'create', entity: 'stage', id, fields: { name, order_key: keyAtIndex(list, list.length) } }],
        'add stage',
      );
      board.requestEdit(id);
      return id;
    },
    addLane(kind: string, name: string) {
      const list = lanes(board.state);
      const id = newId();
      board.perform(
        [{ action: 'create', entity: 'lane', id, fields: { name, kind, order_key: keyAtIndex(list, list.length) } }],
        'add lane',
      );
      return id;
    },
    /** Reorder a stage or lane: `index` is its place among the others. */
    reorder(entity: 'stage' | 'lane', id: string, index: number) {
      const list = (entity === 'stage' ? stages(board.state) : lanes(board.state)).filter((r) => r.id !== id);
      board.perform(
        [{ action: 'move', entity, id, fields: { order_key: keyAtIndex(list, index) } }],
        `move ${entity}`,
      );
    },
    remove(entity: 'stage' | 'lane', row: Row) {
      board.perform([{ action: 'delete', entity, id: row.id, fields: {} }], `delete ${entity}`);
      board.announce(`Deleted ${entity} “${String(row.name)}”. Ctrl+Z brings it back.`);
    },
    rename(entity: 'stage' | 'lane', id: string, name: string) {
      board.perform([{ action: 'update', entity, id, fields: { name } }], `rename ${entity}`);
    },
    laneEntity: entityForLane,
  };
}
