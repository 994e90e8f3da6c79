import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
} from '@dnd-kit/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError } from '../api/http';
import type { Persona } from '../api/types';
import { useMe } from '../app/auth';
import { CONTENT_TYPE_LABEL } from '../board/ItemCard';
import { CHANNEL_COLORS } from '../board/icons';
import { cellItems, lanes, newId, stages, visibleFor } from '../board/model';
import { useMapEngine } from '../board/useMapEngine';
import { keyAtIndex } from '../sync/order';
import type { MapState } from '../sync/state';
import type { DirectoryChannel, Fields, MapDocument, Op, Row } from '../sync/types';
import { NotFoundPage } from './NotFoundPage';

const NO_CHANNEL = '';

/** Content of one stage on one channel for the persona (shared content counts for all). */
function contentAt(state: MapState, stage: string, channel: string, persona: string | null): Row[] {
  return Object.values(state.items.content)
    .filter((c) => c.stage === stage && String(c.channel ?? '') === channel && visibleFor('content', c, persona))
    .sort((a, b) => (String(a.order_key) < String(b.order_key) ? -1 : String(a.order_key) > String(b.order_key) ? 1 : 0));
}

function Composer({ label, onAdd }: { label: string; onAdd: (title: string) => void }) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState('');
  if (!open) {
    return (
      <button type="button" className="matrix-add" aria-label={`Add content: ${label}`} onClick={() => setOpen(true)}>
        + Add
      </button>
    );
  }
  const commit = () => {
    const title = draft.trim();
    if (title) onAdd(title);
    setDraft('');
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commit();
    } else if (e.key === 'Escape') {
      setDraft('');
      setOpen(false);
    }
  };
  return (
    <div className="matrix-composer">
      <input
        autoFocus
        value={draft}
        maxLength={300}
        placeholder="New content item…"
        aria-label={`New content item: ${label}`}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKey}
        onBlur={() => {
          commit();
          setOpen(false);
        }}
      />
    </div>
  );
}

const CONTENT_STATUSES: [string, string][] = [
  ['planned', 'Planned'],
  ['in_production', 'In production'],
  ['live', 'Live'],
  ['retired', 'Retired'],
];

/** The cell under the pointer (a dragged item overlaps its neighbours); the keyboard, which
 * has no pointer, goes by the item's overlap instead. */
const cellUnderPointer: CollisionDetection = (args) => {
  const under = pointerWithin(args);
  return under.length ? under : rectIntersection(args);
};

/** A cell's drop target id: the stage and the channel a dropped item moves to. */
function cellId(stage: string, channel: string): string {
  return `cell:${stage}:${channel}`;
}

function DropCell({ id, className, testId, children }: { id: string; className: string; testId?: string; children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id });
  return (
    <td ref={setNodeRef} className={`${className}${isOver ? ' drop-over' : ''}`} data-testid={testId}>
      {children}
    </td>
  );
}

/**
 * One content item, editable where it stands: rename (double-click or Enter on the title),
 * status, delete, and a drag handle to move it to another stage or channel (the keyboard
 * moves it too: Space to pick up, arrows, Space to drop).
 */
function MatrixItem({
  item,
  accent,
  readOnly,
  onChange,
  onDelete,
}: {
  item: Row;
  accent: string;
  readOnly: boolean;
  onChange: (fields: Fields) => void;
  onDelete: () => void;
}) {
  const title = String(item.title);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(title);
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: item.id, disabled: readOnly });
  const style = {
    ['--accent' as string]: accent,
    transform: transform ? `translate(${transform.x}px, ${transform.y}px)` : undefined,
    opacity: isDragging ? 0.6 : 1,
  };
  const commit = () => {
    const next = draft.trim();
    setEditing(false);
    if (next && next !== title) onChange({ title: next });
    else setDraft(title);
  };
  return (
    <div ref={setNodeRef} className="matrix-item" style={style} data-testid="matrix-item">
      <div className="matrix-item-head">
        {!readOnly && (
          <button type="button" className="matrix-grip" aria-label={`Move ${title}`} {...listeners} {...attributes}>
            ⠿
          </button>
        )}
        {editing ? (
          <input
            autoFocus
            value={draft}
            maxLength={300}
            aria-label={`Rename ${title}`}
            onChange={(e) => setDraft(e.target.value)}
            onBlur={commit}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                commit();
              } else if (e.key === 'Escape') {
                setDraft(title);
                setEditing(false);
              }
            }}
          />
        ) : readOnly ? (
          <span className="matrix-title">{title}</span>
        ) : (
          <button
            type="button"
            className="matrix-title"
            title="Double-click or press Enter to rename"
            onDoubleClick={() => setEditing(true)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                setEditing(true);
              }
            }}
          >
            {title}
          </button>
        )}
        {!readOnly && (
          <button type="button" className="matrix-delete" aria-label={`Delete ${title}`} onClick={onDelete}>
            ×
          </button>
        )}
      </div>
      <div className="matrix-item-foot">
        <span className="muted">{CONTENT_TYPE_LABEL[String(item.content_type)] ?? 'Content'}</span>
        {readOnly ? (
          <span className="muted">{String(item.status ?? 'planned').replace('_', ' ')}</span>
        ) : (
          <select
            className="matrix-status"
            aria-label={`Status of ${title}`}
            value={String(item.status ?? 'planned')}
            onChange={(e) => onChange({ status: e.target.value })}
          >
            {CONTENT_STATUSES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        )}
      </div>
    </div>
  );
}

function Matrix({ mapId, initial }: { mapId: string; initial: MapDocument }) {
  const me = useMe();
  const handle = useMapEngine({ mapId, userId: me.id, initialDocument: initial });
  const state = handle.snapshot.view;
  const role = me.memberships.find((m) => m.workspace === state?.meta.workspace)?.role;
  const readOnly = role === 'viewer';
  const mapPersonas = useMemo(() => {
    if (!state) return [];
    const ids = new Set(state.meta.personas);
    return state.directory.personas.filter((p) => ids.has(p.id));
  }, [state]);
  const [persona, setPersona] = useState<string | null>(null);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(KeyboardSensor));
  useEffect(() => {
    if (persona === null && mapPersonas[0]) setPersona(mapPersonas[0].id);
  }, [mapPersonas, persona]);
  // The map's directory names personas but not their channels: the persona record has them.
  const profile = useQuery({
    queryKey: ['persona', persona],
    queryFn: () => api<Persona>(`/api/personas/${persona}/`),
    enabled: Boolean(persona),
    staleTime: 60_000,
  });
  const preferred = new Set(profile.data?.preferred_channels ?? []);

  useEffect(() => {
    if (state?.meta.title) document.title = `Content · ${state.meta.title} · Journeymap`;
  }, [state?.meta.title]);

  if (!state) return <div className="page-loading" aria-busy="true">{handle.snapshot.fatal ?? 'Opening the map…'}</div>;

  const stageList = stages(state);
  const channelRows: (DirectoryChannel | null)[] = [...state.directory.channels];
  const hasUnassigned = Object.values(state.items.content).some((c) => !c.channel);
  if (hasUnassigned) channelRows.push(null);
  const contentLane = lanes(state).find((l) => l.kind === 'content') ?? null;
  let gapCount = 0;

  function add(stage: Row, channel: DirectoryChannel | null, title: string) {
    const ops: Op[] = [];
    let laneId = contentLane?.id;
    if (!laneId) {
      // A map without a content lane gets one, in the same batch as the item.
      const list = lanes(state!);
      laneId = newId();
      ops.push({
        action: 'create',
        entity: 'lane',
        id: laneId,
        fields: { name: 'Content', kind: 'content', order_key: keyAtIndex(list, list.length) },
      });
    }
    const siblings = contentLane ? cellItems(state!, 'content', stage.id, contentLane.id) : [];
    const fields: Fields = {
      stage: stage.id,
      lane: laneId,
      title,
      channel: channel?.id ?? null,
      order_key: keyAtIndex(siblings, siblings.length),
    };
    if (persona) fields.persona = persona;
    ops.push({ action: 'create', entity: 'content', id: newId(), fields });
    handle.perform(ops, 'add content');
  }

  function update(item: Row, fields: Fields) {
    handle.perform([{ action: 'update', entity: 'content', id: item.id, fields }], 'edit content');
  }

  function remove(item: Row) {
    handle.perform([{ action: 'delete', entity: 'content', id: item.id, fields: {} }], 'delete content');
  }

  function onDragEnd(event: DragEndEvent) {
    const target = event.over ? String(event.over.id) : '';
    const item = state!.items.content[String(event.active.id)];
    if (!item || !target.startsWith('cell:')) return;
    const [, stage = '', channel = ''] = target.split(':');
    const ops: Op[] = [];
    if (stage && stage !== item.stage) {
      // A stage change is a move (last in the board cell it lands in, as on the board).
      const siblings = cellItems(state!, 'content', stage, String(item.lane)).filter((c) => c.id !== item.id);
      ops.push({ action: 'move', entity: 'content', id: item.id, fields: { stage, order_key: keyAtIndex(siblings, siblings.length) } });
    }
    if (channel !== String(item.channel ?? '')) {
      ops.push({ action: 'update', entity: 'content', id: item.id, fields: { channel: channel || null } });
    }
    if (ops.length) handle.perform(ops, 'move content');
  }

  const selectedName = mapPersonas.find((p) => p.id === persona)?.name ?? 'everyone';
  const rows = channelRows.map((channel) => {
    const channelId = channel?.id ?? NO_CHANNEL;
    const prefers = Boolean(channel && preferred.has(channel.id));
    return { channel, channelId, prefers };
  });
  for (const row of rows) {
    if (!row.prefers) continue;
    for (const stage of stageList) if (!contentAt(state, stage.id, row.channelId, persona).length) gapCount += 1;
  }

  return (
    <div className="page graph-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to={`/maps/${mapId}/`}>Back to the board</Link>
      </nav>
      <div className="page-head">
        <div>
          <p className="eyebrow">Content × channel · {state.meta.title}</p>
          <h1>Content by stage and channel</h1>
        </div>
        <span className={`status-pill status-${handle.snapshot.status === 'online' ? 'good' : 'wait'}`} role="status" data-testid="connection-status">
          <i aria-hidden="true" />
          {handle.snapshot.status === 'online' ? 'Live' : 'Connecting…'}
        </span>
      </div>
      <div className="matrix-controls">
        <label className="field-inline">
          <span>Persona</span>
          <select value={persona ?? ''} onChange={(e) => setPersona(e.target.value || null)}>
            <option value="">Everyone</option>
            {mapPersonas.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small" data-testid="gap-summary">
          {persona
            ? preferred.size
              ? `${gapCount} gap${gapCount === 1 ? '' : 's'}: stages with no content on a channel ${selectedName} prefers.`
              : `${selectedName} has no preferred channels on record.`
            : 'Pick a persona to see the gaps on the channels they prefer.'}
        </p>
      </div>
      {stageList.length === 0 ? (
        <p className="muted">This map has no stages yet.</p>
      ) : (
        <DndContext sensors={sensors} collisionDetection={cellUnderPointer} onDragEnd={onDragEnd}>
        <div className="matrix-wrap">
          <table className="matrix" aria-label={`Content for ${selectedName} by channel and stage`}>
            <thead>
              <tr>
                <th scope="col">Channel</th>
                {stageList.map((s) => (
                  <th key={s.id} scope="col">
                    {String(s.name)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map(({ channel, channelId, prefers }) => {
                const name = channel?.name ?? 'No channel';
                const accent = channel ? channel.color || CHANNEL_COLORS[channel.kind] || '#14b8a6' : '#94a3b8';
                return (
                  <tr key={channelId || 'none'}>
                    <th scope="row">
                      {name}
                      {prefers && <span className="pref">Preferred</span>}
                    </th>
                    {stageList.map((stage) => {
                      const items = contentAt(state, stage.id, channelId, persona);
                      const gap = prefers && items.length === 0;
                      return (
                        <DropCell
                          key={stage.id}
                          id={cellId(stage.id, channelId)}
                          className={gap ? 'gap' : ''}
                          testId={gap ? 'content-gap' : undefined}
                        >
                          <div className="matrix-cell">
                            {items.map((item) => (
                              <MatrixItem
                                key={item.id}
                                item={item}
                                accent={accent}
                                readOnly={readOnly}
                                onChange={(fields) => update(item, fields)}
                                onDelete={() => remove(item)}
                              />
                            ))}
                            {gap && (
                              <span className="gap-flag" title={`${selectedName} prefers ${name}, and nothing reaches them here`}>
                                Gap · preferred channel
                              </span>
                            )}
                            {!readOnly && channelId !== NO_CHANNEL && (
                              <Composer label={`${name}, ${String(stage.name)}`} onAdd={(title) => add(stage, channel, title)} />
                            )}
                          </div>
                        </DropCell>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        </DndContext>
      )}
    </div>
  );
}

export function ContentMatrixPage() {
  const { mapId = '' } = useParams();
  const doc = useQuery({
    queryKey: ['map', mapId, 'content'],
    queryFn: () => api<MapDocument>(`/api/maps/${mapId}/`),
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  if (doc.error instanceof ApiError && (doc.error.status === 404 || doc.error.status === 403)) {
    return <NotFoundPage what="map" />;
  }
  if (doc.isPending) return <div className="page-loading" aria-busy="true">Opening the map…</div>;
  if (!doc.data) return <div className="page-error">The map is not available.</div>;
  return <Matrix key={mapId} mapId={mapId} initial={doc.data} />;
}
