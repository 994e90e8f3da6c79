import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { type KeyboardEvent } from 'react';
import type { Row } from '../sync/types';
import { useStructureActions } from './actions';
import { useBoard } from './BoardContext';
import { EditableText } from './EditableText';
import { Icon, inkOn } from './icons';
import { laneLabel, lanes, stages } from './model';

function useKeyboardReorder(entity: 'stage' | 'lane', row: Row) {
  const board = useBoard();
  const actions = useStructureActions();
  return (event: KeyboardEvent) => {
    if (board.readOnly || !event.altKey) return;
    const back = entity === 'stage' ? 'ArrowLeft' : 'ArrowUp';
    const forward = entity === 'stage' ? 'ArrowRight' : 'ArrowDown';
    if (event.key !== back && event.key !== forward) return;
    event.preventDefault();
    const list = entity === 'stage' ? stages(board.state) : lanes(board.state);
    const index = list.findIndex((r) => r.id === row.id);
    const target = event.key === back ? index - 1 : index + 1;
    if (target < 0 || target >= list.length) return;
    actions.reorder(entity, row.id, target);
    board.announce(`Moved ${entity} “${String(row.name)}” to position ${target + 1} of ${list.length}.`);
  };
}

/** The drag handle and delete button that stage and lane headers share. */
function HeadTools({
  entity,
  row,
  keys,
  arrows,
  handleRef,
  onKeyDown,
  dragProps,
}: {
  entity: 'stage' | 'lane';
  row: Row;
  keys: string;
  arrows: string;
  handleRef: (element: HTMLElement | null) => void;
  onKeyDown: (event: KeyboardEvent) => void;
  dragProps: object;
}) {
  const actions = useStructureActions();
  return (
    <div className="head-tools">
      <button
        type="button"
        ref={handleRef}
        className="icon-btn drag-handle"
        aria-label={`Move ${entity} ${String(row.name)} (${keys})`}
        title={`Drag to reorder (${arrows})`}
        onKeyDown={onKeyDown}
        {...dragProps}
      >
        <Icon name="grip" size={14} />
      </button>
      <button
        type="button"
        className="icon-btn"
        aria-label={`Delete ${entity} ${String(row.name)}`}
        title={`Delete ${entity}`}
        onClick={() => actions.remove(entity, row)}
      >
        <Icon name="trash" size={14} />
      </button>
    </div>
  );
}

export function StageHeader({ row, index, count }: { row: Row; index: number; count: number }) {
  const board = useBoard();
  const actions = useStructureActions();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: `stage:${row.id}`,
    data: { type: 'stage', id: row.id },
    disabled: board.readOnly,
  });
  const onKeyDown = useKeyboardReorder('stage', row);
  const peer = board.peerFocus.get(row.id);
  return (
    <div
      ref={setNodeRef}
      className={`stage-head ${isDragging ? 'dragging' : ''} ${peer ? 'peer-editing' : ''}`}
      style={{
        transform: CSS.Translate.toString(transform),
        transition,
        ...(peer ? { ['--peer' as string]: peer.color } : {}),
      }}
      data-id={row.id}
      role="columnheader"
    >
      {peer && (
        <span className="peer-tag" style={{ background: peer.color, color: inkOn(peer.color) }}>
          {peer.name}
        </span>
      )}
      <span className="stage-index" aria-hidden="true">
        {index + 1}
      </span>
      <div className="stage-name" title={row.description ? String(row.description) : undefined}>
        <EditableText
          value={String(row.name)}
          label="Stage name"
          focus={{ entity: 'stage', id: row.id, field: 'name' }}
          startEditing={board.editRequest === row.id}
          onEditEnd={() => board.requestEdit(null)}
          maxLength={200}
          onCommit={(name) => actions.rename('stage', row.id, name)}
        />
      </div>
      {!board.readOnly && (
        <HeadTools
          entity="stage"
          row={row}
          keys="Alt+Left/Right"
          arrows="Alt+←/→"
          handleRef={setActivatorNodeRef}
          onKeyDown={onKeyDown}
          dragProps={{ ...attributes, ...listeners }}
        />
      )}
      <span className="sr-only">
        Stage {index + 1} of {count}
      </span>
    </div>
  );
}

export function LaneHeader({ row }: { row: Row }) {
  const board = useBoard();
  const actions = useStructureActions();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: `lane:${row.id}`,
    data: { type: 'lane', id: row.id },
    disabled: board.readOnly,
  });
  const onKeyDown = useKeyboardReorder('lane', row);
  const kind = String(row.kind);
  return (
    <div
      ref={setNodeRef}
      className={`lane-head lane-head-${kind} ${isDragging ? 'dragging' : ''}`}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      data-id={row.id}
      role="rowheader"
    >
      <span className="lane-icon" aria-hidden="true">
        <Icon name={kind} size={16} />
      </span>
      <div className="lane-text">
        <EditableText
          value={String(row.name)}
          label="Lane name"
          focus={{ entity: 'lane', id: row.id, field: 'name' }}
          maxLength={200}
          onCommit={(name) => actions.rename('lane', row.id, name)}
        />
        <small>{laneLabel(kind)}</small>
      </div>
      {!board.readOnly && (
        <HeadTools
          entity="lane"
          row={row}
          keys="Alt+Up/Down"
          arrows="Alt+↑/↓"
          handleRef={setActivatorNodeRef}
          onKeyDown={onKeyDown}
          dragProps={{ ...attributes, ...listeners }}
        />
      )}
    </div>
  );
}
