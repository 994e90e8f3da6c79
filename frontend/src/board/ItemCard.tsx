import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useEffect, useRef, type CSSProperties, type KeyboardEvent } from 'react';
import type { Row } from '../sync/types';
import { useBoard } from './BoardContext';
import { EditableText } from './EditableText';
import { CHANNEL_COLORS, Icon, inkOn, readableOn } from './icons';
import { ENTITY_NOUN, type BoardItemEntity } from './model';
import { useItemActions } from './actions';
import { Face, scoreLabel } from './Face';
import { formatCount, formatPct } from '../analysis/format';

export const SEVERITY_COLORS = ['', '#fde68a', '#fcd34d', '#fb923c', '#f87171', '#dc2626'];
// Each at 4.5:1 or more on its heat colour (WCAG AA), descriptions included.
const SEVERITY_TEXT = ['', '#78350f', '#78350f', '#431407', '#450a0a', '#ffffff'];

export const CONTENT_TYPE_LABEL: Record<string, string> = {
  article: 'Article',
  video: 'Video',
  email: 'Email',
  guide: 'Guide',
  case_study: 'Case study',
  ad: 'Advert',
  social_post: 'Social post',
  webinar: 'Webinar',
  other: 'Other',
};

/** A card, touchpoint, friction point or content item, in its cell. */
export function ItemCard({ entity, row }: { entity: BoardItemEntity; row: Row }) {
  const board = useBoard();
  const actions = useItemActions();
  const ref = useRef<HTMLDivElement | null>(null);
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: `item:${entity}:${row.id}`,
    data: { type: 'item', entity, id: row.id, stage: row.stage, lane: row.lane },
    disabled: board.readOnly,
  });

  useEffect(() => {
    if (board.focusRequest === row.id && ref.current) {
      ref.current.focus();
      board.requestFocus(null);
    }
  });

  const peer = board.peerFocus.get(row.id);
  const flashedBy = board.flash.get(row.id);
  const selected = board.selected?.id === row.id;
  const votes = board.tallies.votes.get(row.id) ?? 0;
  const myVotes = board.tallies.myVotes.get(row.id)?.length ?? 0;
  const comments = board.tallies.comments.get(row.id) ?? 0;
  const traffic = entity === 'touchpoint' ? board.heat?.touchpoints.get(row.id) : undefined;
  const hotspot = entity === 'friction' ? board.heat?.hotspots.get(row.id) : undefined;
  // The features planned to resolve this friction point, by name (unknown ids are left out).
  const resolvedBy =
    entity === 'friction'
      ? ((row.features as string[] | undefined) ?? []).flatMap((id) => {
          const feature = board.features.get(id);
          return feature ? [feature.name] : [];
        })
      : [];
  const critical = entity === 'touchpoint' && board.heat?.critical.has(row.id);

  let accent: string | undefined;
  let heat: CSSProperties = {};
  const channel = row.channel ? board.channels.get(String(row.channel)) : undefined;
  const persona = row.persona ? board.personas.get(String(row.persona)) : undefined;
  if (entity === 'touchpoint' || entity === 'content') {
    accent = channel ? channel.color || CHANNEL_COLORS[channel.kind] : '#94a3b8';
  } else if (entity === 'friction') {
    const severity = Number(row.severity ?? 3);
    heat = { background: SEVERITY_COLORS[severity], color: SEVERITY_TEXT[severity] };
  } else if (row.color) {
    // A card's colour is a sticky-note tint, as on a workshop wall.
    heat = { background: String(row.color), borderColor: 'rgba(15, 23, 42, 0.08)' };
  }

  const style: CSSProperties = {
    transform: CSS.Translate.toString(transform),
    transition,
    ...(accent ? { ['--accent' as string]: accent } : {}),
    ...heat,
    ...(peer ? { ['--peer' as string]: peer.color } : {}),
  };

  function onKeyDown(event: KeyboardEvent) {
    if (event.target !== event.currentTarget) return;
    if (board.readOnly) {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        board.select({ entity, id: row.id });
      }
      return;
    }
    if (event.altKey && event.key.startsWith('Arrow')) {
      event.preventDefault();
      actions.moveByKey(
        entity,
        row,
        event.key as 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight',
        event.shiftKey,
      );
      return;
    }
    switch (event.key) {
      case 'Enter':
        event.preventDefault();
        board.requestEdit(row.id);
        break;
      case ' ':
        event.preventDefault();
        board.select({ entity, id: row.id });
        break;
      case 'Delete':
      case 'Backspace':
        event.preventDefault();
        actions.remove(entity, row);
        break;
      case 'v':
        event.preventDefault();
        actions.vote(entity, row.id);
        break;
    }
  }

  const noun = ENTITY_NOUN[entity];
  return (
    <div
      ref={(node) => {
        setNodeRef(node);
        ref.current = node;
      }}
      {...attributes}
      {...listeners}
      // Read-only cards still open their details: not "disabled", just not draggable.
      aria-disabled={undefined}
      role="group"
      aria-roledescription={noun}
      aria-label={`${noun}: ${String(row.title)}`}
      aria-keyshortcuts="Enter Space Delete Alt+ArrowLeft Alt+ArrowRight Alt+ArrowUp Alt+ArrowDown Alt+Shift+ArrowUp Alt+Shift+ArrowDown"
      tabIndex={0}
      data-id={row.id}
      data-entity={entity}
      className={[
        'item',
        `item-${entity}`,
        entity === 'card' ? `card-${laneKindOf(board, row)}` : '',
        isDragging ? 'dragging' : '',
        selected ? 'selected' : '',
        peer ? 'peer-editing' : '',
        flashedBy !== undefined ? 'flash' : '',
        accent ? 'has-accent' : '',
        hotspot ? `hotspot hot-${hotspot.level}` : '',
        critical ? 'on-critical' : '',
      ].join(' ')}
      style={style}
      onKeyDown={onKeyDown}
      onClick={() => board.select({ entity, id: row.id })}
    >
      {peer && (
        <span className="peer-tag" style={{ background: peer.color, color: inkOn(peer.color) }}>
          {peer.name}
        </span>
      )}
      <div className="item-top">
        {entity === 'touchpoint' && (
          <span className="channel-badge" style={{ color: accent }} title={channel?.name ?? 'No channel'}>
            <Icon name={channel?.kind ?? 'other'} size={14} />
            <span style={{ color: accent && readableOn(accent) }}>{channel?.name ?? 'Channel'}</span>
          </span>
        )}
        {entity === 'content' && (
          <span className="channel-badge" style={{ color: accent }}>
            <Icon name="content" size={14} />
            <span style={{ color: accent && readableOn(accent) }}>{CONTENT_TYPE_LABEL[String(row.content_type)] ?? 'Content'}</span>
          </span>
        )}
        {entity === 'friction' && (
          <span className="severity" title={`Severity ${String(row.severity)} of 5`}>
            <Icon name="friction" size={13} /> S{String(row.severity ?? 3)}
          </span>
        )}
        {hotspot && (
          <span className="hot-badge" title={`Friction hotspot: severity × ${formatCount(hotspot.traffic)} customers = ${formatCount(hotspot.score)}`}>
            Hotspot #{hotspot.rank}
          </span>
        )}
        {persona && (
          <span className="persona-dot" style={{ background: persona.color, color: inkOn(persona.color) }} title={persona.name}>
            {persona.name.slice(0, 1)}
          </span>
        )}
      </div>
      <div className="item-title">
        <EditableText
          value={String(row.title ?? '')}
          label={`${noun} title`}
          focus={{ entity, id: row.id, field: 'title' }}
          startEditing={board.editRequest === row.id}
          focusable={false}
          maxLength={300}
          onEditEnd={() => {
            board.requestEdit(null);
            requestAnimationFrame(() => ref.current?.focus());
          }}
          onCommit={(title) =>
            board.perform([{ action: 'update', entity, id: row.id, fields: { title } }], 'rename')
          }
        />
      </div>
      {row.description ? <p className="item-desc">{String(row.description)}</p> : null}
      {resolvedBy.length > 0 && (
        <p className="resolved-by" data-testid="resolved-by" title={`Resolved by ${resolvedBy.join(', ')}`}>
          <span className="resolved-by-label">Resolved by</span> {resolvedBy.join(', ')}
        </p>
      )}
      {traffic && (
        <div
          className={`traffic ${traffic.lostPct >= 30 ? 'traffic-high' : ''}`}
          data-testid="touchpoint-traffic"
          title={`${formatCount(traffic.inflow)} customers reached this step; ${formatCount(traffic.lost)} (${formatPct(traffic.lostPct)}) went no further${critical ? '. On the critical path' : ''}`}
        >
          <span className="traffic-bar" aria-hidden="true">
            <i style={{ width: `${Math.max(4, Math.round(traffic.level * 100))}%` }} />
          </span>
          <span className="traffic-in">{formatCount(traffic.inflow)} in</span>
          {traffic.lostPct > 0 && <span className="traffic-lost">{formatPct(traffic.lostPct)} drop off</span>}
        </div>
      )}
      <div className="item-foot">
        {entity === 'touchpoint' && (row.journey_role === 'entry' || row.journey_role === 'goal') && (
          <span className={`status journey-role role-${String(row.journey_role)}`}>{String(row.journey_role)}</span>
        )}
        {entity === 'touchpoint' && (
          <span className="emotion-face" title={`Feeling ${scoreLabel(Number(row.emotion ?? 0))}`}>
            <Face score={Number(row.emotion ?? 0)} size={16} />
          </span>
        )}
        {entity === 'friction' && row.status !== 'open' && (
          <span className={`status status-${String(row.status)}`}>{String(row.status)}</span>
        )}
        {entity === 'content' && <span className={`status status-${String(row.status)}`}>{String(row.status).replace('_', ' ')}</span>}
        <span className="spacer" />
        {comments > 0 && (
          <span className="meta-count" title={`${comments} open comment${comments === 1 ? '' : 's'}`}>
            <Icon name="comment" size={13} /> {comments}
          </span>
        )}
        <button
          type="button"
          className={`vote-btn ${myVotes ? 'mine' : ''} ${votes ? 'has-votes' : ''}`}
          aria-label={`${votes} vote${votes === 1 ? '' : 's'}${myVotes ? `, ${myVotes} yours` : ''}. Add a vote`}
          title={board.readOnly ? `${votes} votes` : 'Vote (Shift-click to take a vote back)'}
          disabled={board.readOnly}
          tabIndex={-1}
          onPointerDown={(e) => e.stopPropagation()}
          onClick={(e) => {
            e.stopPropagation();
            if (e.shiftKey) actions.unvote(row.id);
            else actions.vote(entity, row.id);
          }}
        >
          <span className="dots" aria-hidden="true">
            {Array.from({ length: Math.min(votes, 5) }).map((_, i) => (
              <i key={i} />
            ))}
          </span>
          {votes > 0 ? votes : <Icon name="vote" size={10} />}
        </button>
      </div>
    </div>
  );
}

function laneKindOf(board: ReturnType<typeof useBoard>, row: Row): string {
  return String(board.state.items.lane[String(row.lane)]?.kind ?? 'text');
}
