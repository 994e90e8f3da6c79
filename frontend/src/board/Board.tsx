import {
  closestCenter,
  DndContext,
  DragOverlay,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { horizontalListSortingStrategy, SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { useState, type CSSProperties } from 'react';
import type { Row } from '../sync/types';
import { moveItemOp, useStructureActions } from './actions';
import { useBoard } from './BoardContext';
import { Cell } from './Cell';
import { EmotionRow } from './EmotionRow';
import { LaneHeader, StageHeader } from './Headers';
import { Icon } from './icons';
import { cellItems, ENTITY_NOUN, entityForLane, LANE_KINDS, lanes, stages, type BoardItemEntity } from './model';

export const COLUMN_WIDTH = 264;

/** Stages and lanes only collide with their own kind; items with compatible cells. */
const collision: CollisionDetection = (args) => {
  const active = args.active.data.current as { type: string; entity?: string } | undefined;
  if (!active) return [];
  if (active.type === 'item') {
    const fits = (type: string) =>
      args.droppableContainers.filter((c) => {
        const data = c.data.current as { type?: string; entity?: string } | undefined;
        return data?.type === type && data.entity === active.entity && c.id !== args.active.id;
      });
    const overItem = pointerWithin({ ...args, droppableContainers: fits('item') });
    if (overItem.length) return overItem;
    const overCell = pointerWithin({ ...args, droppableContainers: fits('cell') });
    if (overCell.length) return overCell;
    return rectIntersection({ ...args, droppableContainers: fits('cell') });
  }
  const same = args.droppableContainers.filter(
    (c) => (c.data.current as { type?: string } | undefined)?.type === active.type,
  );
  return closestCenter({ ...args, droppableContainers: same });
};

function AddLane() {
  const actions = useStructureActions();
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <button type="button" className="add-lane" onClick={() => setOpen(true)}>
        <Icon name="plus" size={14} /> Add lane
      </button>
    );
  }
  return (
    // A group of plain buttons, not a menu: they are reached with Tab, and a menu would
    // promise arrow-key navigation.
    <div className="lane-kinds" role="group" aria-label="Lane type" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      {LANE_KINDS.map((k, i) => (
        <button
          key={k.kind}
          type="button"
          autoFocus={i === 0}
          title={k.hint}
          onClick={() => {
            actions.addLane(k.kind, k.label);
            setOpen(false);
          }}
        >
          <Icon name={k.kind} size={14} /> {k.label}
        </button>
      ))}
      <button type="button" className="btn-ghost" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </div>
  );
}

export function BoardGrid() {
  const board = useBoard();
  const structure = useStructureActions();
  const stageList = stages(board.state);
  const laneList = lanes(board.state);
  const [dragging, setDragging] = useState<{ type: string; entity?: BoardItemEntity; id: string } | null>(null);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }));

  function onDragStart(event: DragStartEvent) {
    const data = event.active.data.current as { type: string; entity?: BoardItemEntity; id: string };
    setDragging(data);
  }

  function onDragEnd(event: DragEndEvent) {
    setDragging(null);
    const { active, over } = event;
    if (!over) return;
    const a = active.data.current as { type: string; entity?: BoardItemEntity; id: string };
    const o = over.data.current as { type: string; id?: string; stage?: string; lane?: string };
    if (a.type === 'stage' || a.type === 'lane') {
      if (o.type !== a.type || o.id === a.id) return;
      const list = a.type === 'stage' ? stageList : laneList;
      const to = list.findIndex((r) => r.id === o.id);
      if (to < 0) return;
      structure.reorder(a.type, a.id, to);
      return;
    }
    if (a.type !== 'item' || !a.entity) return;
    const row = board.state.items[a.entity][a.id];
    if (!row || !o.stage || !o.lane) return;
    const siblings = cellItems(board.state, a.entity, o.stage, o.lane).filter((r) => r.id !== a.id);
    let index = siblings.length;
    if (o.type === 'item') {
      const at = siblings.findIndex((r) => r.id === o.id);
      const activeRect = active.rect.current.translated;
      const below = activeRect ? activeRect.top + activeRect.height / 2 > over.rect.top + over.rect.height / 2 : false;
      index = at < 0 ? siblings.length : at + (below ? 1 : 0);
    }
    const sameCell = row.stage === o.stage && row.lane === o.lane;
    if (sameCell) {
      const current = cellItems(board.state, a.entity, o.stage, o.lane).findIndex((r) => r.id === a.id);
      if (current === index) return;
    }
    const op = moveItemOp(board, a.entity, a.id, o.stage, o.lane, index);
    if (!op) return;
    board.perform([op], 'move');
    const stageName = stageList.find((s) => s.id === o.stage)?.name;
    board.announce(`Moved ${ENTITY_NOUN[a.entity]} “${String(row.title)}” to ${String(stageName)}.`);
  }

  const gridStyle: CSSProperties = {
    gridTemplateColumns: `var(--lane-head-w) repeat(${stageList.length}, ${COLUMN_WIDTH}px) ${board.readOnly ? '' : 'var(--add-col-w)'}`,
  };
  const overlayRow: Row | undefined =
    dragging?.type === 'item' && dragging.entity ? board.state.items[dragging.entity][dragging.id] : undefined;

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collision}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDragging(null)}
      accessibility={{
        announcements: {
          onDragStart: () => 'Picked up.',
          onDragOver: () => undefined,
          onDragEnd: () => 'Dropped.',
          onDragCancel: () => 'Move cancelled.',
        },
      }}
    >
      {/* A table, not a grid: people Tab between the cards and move them with Alt+arrows,
          while screen readers' table commands name the stage and lane of every cell. Rows
          are `display: contents`, so the CSS grid lays out their cells directly. */}
      <div className="board-grid" style={gridStyle} role="table" aria-label="Journey map">
        <div className="board-row" role="row">
          <div className="corner" role="columnheader">
            <span aria-hidden="true">Stages →</span>
            <span aria-hidden="true">Lanes ↓</span>
            <span className="sr-only">Lanes</span>
          </div>
          <SortableContext items={stageList.map((s) => `stage:${s.id}`)} strategy={horizontalListSortingStrategy}>
            {stageList.map((stage, i) => (
              <StageHeader key={stage.id} row={stage} index={i} count={stageList.length} />
            ))}
          </SortableContext>
          {!board.readOnly && (
            <div className="add-stage-cell" role="cell">
              <button type="button" className="add-stage" onClick={() => structure.addStage()}>
                <Icon name="plus" size={14} /> Add stage
              </button>
            </div>
          )}
        </div>
        <SortableContext items={laneList.map((l) => `lane:${l.id}`)} strategy={verticalListSortingStrategy}>
          {laneList.map((lane) => {
            const entity = entityForLane(String(lane.kind));
            return (
              <div key={lane.id} className="board-row lane-row" role="row">
                <LaneHeader row={lane} />
                {entity === null ? (
                  <div
                    className="emotion-cell"
                    role="cell"
                    aria-colspan={Math.max(stageList.length, 1)}
                    style={{ gridColumn: `span ${Math.max(stageList.length, 1)}` }}
                  >
                    <EmotionRow stageList={stageList} columnWidth={COLUMN_WIDTH} />
                  </div>
                ) : (
                  stageList.map((stage) => (
                    <Cell
                      key={stage.id}
                      entity={entity}
                      stageId={stage.id}
                      laneId={lane.id}
                      laneKind={String(lane.kind)}
                      stageName={String(stage.name)}
                      laneName={String(lane.name)}
                    />
                  ))
                )}
                {!board.readOnly && <div className="filler" role="cell" />}
              </div>
            );
          })}
        </SortableContext>
        {!board.readOnly && (
          <div className="board-row" role="row">
            <div className="add-lane-cell" role="cell">
              <AddLane />
            </div>
          </div>
        )}
      </div>
      <DragOverlay dropAnimation={null}>
        {overlayRow ? (
          <div className={`item item-${dragging?.entity} drag-overlay`}>
            <div className="item-title">{String(overlayRow.title)}</div>
          </div>
        ) : null}
      </DragOverlay>
      {stageList.length === 0 && laneList.length === 0 && (
        <div className="board-empty">
          <h2>An empty map</h2>
          <p>Add the stages of the journey as columns, then lanes for what happens in each.</p>
        </div>
      )}
    </DndContext>
  );
}
