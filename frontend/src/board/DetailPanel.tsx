import { useState, type FormEvent } from 'react';
import type { Fields, Json, Row } from '../sync/types';
import { useItemActions } from './actions';
import { useBoard } from './BoardContext';
import { Avatar } from './Presence';
import { EditableText } from './EditableText';
import { CHANNEL_COLORS, Icon, readableOn } from './icons';
import { Face } from './Face';
import { CONTENT_TYPE_LABEL, SEVERITY_COLORS } from './ItemCard';
import { ENTITY_NOUN, newId, type BoardItemEntity } from './model';

const CARD_COLORS = ['', '#fef3c7', '#dcfce7', '#dbeafe', '#fce7f3', '#ede9fe', '#fee2e2', '#e2e8f0'];

function timeLabel(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return 'sending…';
  return new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function Comments({ entity, id }: { entity: BoardItemEntity; id: string }) {
  const board = useBoard();
  const [body, setBody] = useState('');
  const comments = Object.values(board.state.items.comment)
    .filter((c) => c.target_id === id)
    .sort((a, b) => String(a.created_at ?? '~').localeCompare(String(b.created_at ?? '~')));
  function submit(event: FormEvent) {
    event.preventDefault();
    const text = body.trim();
    if (!text) return;
    board.perform(
      [{ action: 'create', entity: 'comment', id: newId(), fields: { target_entity: entity, target_id: id, body: text } }],
      'comment',
    );
    setBody('');
  }
  return (
    <section className="detail-section" aria-label="Comments">
      <h3>
        Comments <span className="count">{comments.length}</span>
      </h3>
      <ol className="comments">
        {comments.map((c) => {
          const mine = c.author === undefined || String(c.author) === board.meId;
          const name = String(c.author_name || (mine ? 'You' : 'Someone'));
          return (
            <li key={c.id} className={c.resolved ? 'resolved' : ''}>
              <Avatar name={name} color="#64748b" size={26} />
              <div>
                <div className="comment-head">
                  <strong>{name}</strong>
                  <span className="muted">{timeLabel(c.created_at)}</span>
                </div>
                <p>{String(c.body)}</p>
                {!board.readOnly && (
                  <div className="comment-tools">
                    <button
                      type="button"
                      className="link-btn"
                      onClick={() =>
                        board.perform(
                          [{ action: 'update', entity: 'comment', id: c.id, fields: { resolved: !c.resolved } }],
                          'resolve',
                        )
                      }
                    >
                      {c.resolved ? 'Reopen' : 'Resolve'}
                    </button>
                    {mine && (
                      <button
                        type="button"
                        className="link-btn danger"
                        onClick={() => board.perform([{ action: 'delete', entity: 'comment', id: c.id, fields: {} }], 'delete comment')}
                      >
                        Delete
                      </button>
                    )}
                  </div>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      {comments.length === 0 && <p className="muted">No comments yet.</p>}
      {!board.readOnly && (
        <form onSubmit={submit} className="comment-form">
          <textarea
            value={body}
            onChange={(e) => setBody(e.target.value)}
            placeholder="Add a comment…"
            aria-label="New comment"
            rows={2}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
            }}
          />
          <button type="submit" className="btn btn-primary btn-sm" disabled={!body.trim()}>
            Comment
          </button>
        </form>
      )}
    </section>
  );
}

// Where the analysis starts and ends the journey; a map that marks none uses its first and
// last stage (docs/analysis.md, "Entries and goals").
const JOURNEY_ROLE_OPTIONS: [string, string][] = [
  ['', 'None (stage order decides)'],
  ['entry', 'Entry: journeys start here'],
  ['goal', 'Goal: journeys succeed here'],
];

function Choice({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: [string, string][];
  onChange: (value: string) => void;
}) {
  const board = useBoard();
  return (
    <label className="field field-inline">
      <span>{label}</span>
      <select value={value} disabled={board.readOnly} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

function TypedFields({ entity, row }: { entity: BoardItemEntity; row: Row }) {
  const board = useBoard();
  const set = (fields: Fields) => board.perform([{ action: 'update', entity, id: row.id, fields }], 'edit');
  const channelOptions: [string, string][] = [['', 'No channel'], ...[...board.channels.values()].map((c) => [c.id, c.name] as [string, string])];
  const personaOptions: [string, string][] = [['', 'All personas'], ...[...board.personas.values()].map((p) => [p.id, p.name] as [string, string])];
  // A persona in the trash (or deleted) is not in the directory: name it rather than show another.
  if (row.persona && !board.personas.has(String(row.persona))) personaOptions.push([String(row.persona), 'Removed persona']);
  const orNull = (v: string): Json => (v === '' ? null : v);
  if (entity === 'card') {
    return (
      <div className="swatches" role="radiogroup" aria-label="Card colour">
        {CARD_COLORS.map((c) => (
          <button
            key={c || 'none'}
            type="button"
            role="radio"
            aria-checked={String(row.color ?? '') === c}
            aria-label={c ? `Colour ${c}` : 'No colour'}
            className={`swatch ${String(row.color ?? '') === c ? 'on' : ''}`}
            style={{ background: c || '#fff' }}
            disabled={board.readOnly}
            onClick={() => set({ color: c })}
          />
        ))}
      </div>
    );
  }
  if (entity === 'touchpoint') {
    const emotion = Number(row.emotion ?? 0);
    return (
      <>
        <Choice label="Channel" value={String(row.channel ?? '')} options={channelOptions} onChange={(v) => set({ channel: orNull(v) })} />
        <Choice label="Persona" value={String(row.persona ?? '')} options={personaOptions} onChange={(v) => set({ persona: orNull(v) })} />
        <Choice
          label="Journey role"
          value={String(row.journey_role ?? '')}
          options={JOURNEY_ROLE_OPTIONS}
          onChange={(v) => set({ journey_role: v })}
        />
        <div className="field field-inline">
          <span>Feeling</span>
          <div className="scale" role="radiogroup" aria-label="Feeling">
            {[-3, -2, -1, 0, 1, 2, 3].map((s) => (
              <button key={s} type="button" role="radio" aria-checked={emotion === s} aria-label={String(s)} className={emotion === s ? 'on' : ''} disabled={board.readOnly} onClick={() => set({ emotion: s })}>
                <Face score={s} size={20} />
              </button>
            ))}
          </div>
        </div>
      </>
    );
  }
  if (entity === 'friction') {
    const severity = Number(row.severity ?? 3);
    const personas = (row.personas as string[] | undefined) ?? [];
    const features = (row.features as string[] | undefined) ?? [];
    const touchpoints = Object.values(board.state.items.touchpoint).filter((t) => t.stage === row.stage);
    return (
      <>
        <div className="field field-inline">
          <span>Severity</span>
          <div className="scale" role="radiogroup" aria-label="Severity">
            {[1, 2, 3, 4, 5].map((s) => (
              <button key={s} type="button" role="radio" aria-checked={severity === s} className={severity === s ? 'on' : ''} style={{ background: SEVERITY_COLORS[s] }} disabled={board.readOnly} onClick={() => set({ severity: s })}>
                {s}
              </button>
            ))}
          </div>
        </div>
        <Choice
          label="Status"
          value={String(row.status ?? 'open')}
          options={[['open', 'Open'], ['investigating', 'Investigating'], ['planned', 'Planned'], ['resolved', 'Resolved']]}
          onChange={(v) => set({ status: v })}
        />
        <Choice
          label="Touchpoint"
          value={String(row.touchpoint ?? '')}
          options={[['', 'None'], ...touchpoints.map((t) => [t.id, String(t.title)] as [string, string])]}
          onChange={(v) => set({ touchpoint: orNull(v) })}
        />
        <div className="field field-inline">
          <span>Personas</span>
          <div className="chip-row">
            {[...board.personas.values()].map((p) => {
              const on = personas.includes(p.id);
              return (
                <button
                  key={p.id}
                  type="button"
                  aria-pressed={on}
                  className={`chip chip-toggle ${on ? 'on' : ''}`}
                  disabled={board.readOnly}
                  onClick={() => set({ personas: on ? personas.filter((x) => x !== p.id) : [...personas, p.id] })}
                >
                  <i className="dot" style={{ background: p.color }} /> {p.name}
                </button>
              );
            })}
          </div>
        </div>
        {board.features.size > 0 && (
          <div className="field field-inline">
            <span id={`resolved-by-${row.id}`}>Resolved by</span>
            <div className="chip-row" role="group" aria-labelledby={`resolved-by-${row.id}`}>
              {[...board.features.values()].map((feature) => {
                const on = features.includes(feature.id);
                return (
                  <button
                    key={feature.id}
                    type="button"
                    aria-pressed={on}
                    className={`chip chip-toggle ${on ? 'on' : ''}`}
                    disabled={board.readOnly}
                    onClick={() => set({ features: on ? features.filter((x) => x !== feature.id) : [...features, feature.id] })}
                  >
                    {feature.name}
                  </button>
                );
              })}
            </div>
          </div>
        )}
      </>
    );
  }
  return (
    <>
      <Choice
        label="Type"
        value={String(row.content_type ?? 'article')}
        options={Object.entries(CONTENT_TYPE_LABEL)}
        onChange={(v) => set({ content_type: v })}
      />
      <Choice
        label="Status"
        value={String(row.status ?? 'planned')}
        options={[['planned', 'Planned'], ['in_production', 'In production'], ['live', 'Live'], ['retired', 'Retired']]}
        onChange={(v) => set({ status: v })}
      />
      <Choice label="Channel" value={String(row.channel ?? '')} options={channelOptions} onChange={(v) => set({ channel: orNull(v) })} />
      <Choice label="Persona" value={String(row.persona ?? '')} options={personaOptions} onChange={(v) => set({ persona: orNull(v) })} />
      <div className="field field-inline">
        <span>Link</span>
        <EditableText
          value={String(row.url ?? '')}
          label="Link"
          required={false}
          placeholder="https://…"
          editOnClick
          focus={{ entity, id: row.id, field: 'url' }}
          onCommit={(url) => set({ url })}
        />
      </div>
    </>
  );
}

export function DetailPanel() {
  const board = useBoard();
  const actions = useItemActions();
  const selection = board.selected;
  if (!selection) return null;
  const row = board.state.items[selection.entity][selection.id];
  if (!row) return null;
  const { entity } = selection;
  const stage = board.state.items.stage[String(row.stage)];
  const lane = board.state.items.lane[String(row.lane)];
  const votes = board.tallies.votes.get(row.id) ?? 0;
  const mine = board.tallies.myVotes.get(row.id)?.length ?? 0;
  const channel = row.channel ? board.channels.get(String(row.channel)) : undefined;
  return (
    <aside className="side-panel detail-panel" aria-label={`${ENTITY_NOUN[entity]} details`}>
      <div className="side-head">
        <span className="eyebrow">
          {ENTITY_NOUN[entity]} · {String(stage?.name ?? '')} · {String(lane?.name ?? '')}
        </span>
        <button type="button" className="icon-btn" aria-label="Close details" onClick={() => board.select(null)}>
          <Icon name="close" size={16} />
        </button>
      </div>
      {channel && (
        <div className="detail-channel" style={{ color: readableOn(channel.color || CHANNEL_COLORS[channel.kind] || '#64748b') }}>
          <Icon name={channel.kind} size={16} /> {channel.name}
        </div>
      )}
      <h2 className="detail-title">
        <EditableText
          value={String(row.title)}
          label="Title"
          editOnClick
          focus={{ entity, id: row.id, field: 'title' }}
          maxLength={300}
          onCommit={(title) => board.perform([{ action: 'update', entity, id: row.id, fields: { title } }], 'rename')}
        />
      </h2>
      <div className="detail-desc">
        <EditableText
          value={String(row.description ?? '')}
          label="Description"
          multiline
          required={false}
          editOnClick
          placeholder={board.readOnly ? '' : 'Add a description…'}
          focus={{ entity, id: row.id, field: 'description' }}
          onCommit={(description) =>
            board.perform([{ action: 'update', entity, id: row.id, fields: { description } }], 'describe')
          }
        />
      </div>
      <section className="detail-section">
        <TypedFields entity={entity} row={row} />
      </section>
      <section className="detail-section votes-section" aria-label="Votes">
        <h3>
          Votes <span className="count" data-testid="vote-count">{votes}</span>
        </h3>
        {!board.readOnly && (
          <div className="vote-tools">
            <button type="button" className="btn btn-sm" onClick={() => actions.vote(entity, row.id)} disabled={board.votesLeft <= 0}>
              + Vote
            </button>
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => actions.unvote(row.id)} disabled={!mine}>
              Take a vote back
            </button>
            <span className="muted">
              {mine} yours · {board.votesLeft} left
            </span>
          </div>
        )}
      </section>
      <Comments entity={entity} id={row.id} />
      {!board.readOnly && (
        <div className="detail-danger">
          <button type="button" className="btn btn-danger btn-sm" onClick={() => actions.remove(entity, row)}>
            <Icon name="trash" size={14} /> Delete {ENTITY_NOUN[entity]}
          </button>
        </div>
      )}
    </aside>
  );
}
