import { useDroppable } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { useRef, useState, type KeyboardEvent } from 'react';
import { createItemOps } from './actions';
import { useBoard } from './BoardContext';
import { Icon } from './icons';
import { cellItems, ENTITY_NOUN, visibleFor, type BoardItemEntity } from './model';
import { ItemCard } from './ItemCard';

/** One stage × lane cell: its items in order, a drop target, and a quick composer. */
export function Cell({
  entity,
  stageId,
  laneId,
  laneKind,
  stageName,
  laneName,
}: {
  entity: BoardItemEntity;
  stageId: string;
  laneId: string;
  laneKind: string;
  stageName: string;
  laneName: string;
}) {
  const board = useBoard();
  const { setNodeRef, isOver } = useDroppable({
    id: `cell:${stageId}:${laneId}`,
    data: { type: 'cell', entity, stage: stageId, lane: laneId },
    disabled: board.readOnly,
  });
  const items = cellItems(board.state, entity, stageId, laneId).filter((row) =>
    visibleFor(entity, row, board.persona),
  );
  const [composing, setComposing] = useState(false);
  const [draft, setDraft] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);

  function add() {
    const title = draft.trim();
    if (!title) return;
    board.perform([createItemOps(board, entity, stageId, laneId, title)], 'add');
    setDraft('');
    inputRef.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter') {
      event.preventDefault();
      add();
    } else if (event.key === 'Escape') {
      setComposing(false);
      setDraft('');
    }
  }

  return (
    <div
      ref={setNodeRef}
      className={`cell cell-${laneKind} ${isOver ? 'drop-over' : ''}`}
      data-stage={stageId}
      data-lane={laneId}
      role="cell"
    >
      <SortableContext items={items.map((r) => `item:${entity}:${r.id}`)} strategy={verticalListSortingStrategy}>
        {items.map((row) => (
          <ItemCard key={row.id} entity={entity} row={row} />
        ))}
      </SortableContext>
      {!board.readOnly &&
        (composing ? (
          <div className="composer">
            <input
              ref={inputRef}
              autoFocus
              value={draft}
              maxLength={300}
              placeholder={`New ${ENTITY_NOUN[entity]}…`}
              aria-label={`New ${ENTITY_NOUN[entity]} in ${laneName}, ${stageName}`}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={onKeyDown}
              onBlur={() => {
                add();
                setComposing(false);
              }}
            />
          </div>
        ) : (
          <button
            type="button"
            className="add-item"
            aria-label={`Add ${ENTITY_NOUN[entity]} to ${laneName} in ${stageName}`}
            onClick={() => setComposing(true)}
          >
            <Icon name="plus" size={14} /> <span>Add</span>
          </button>
        ))}
    </div>
  );
}
