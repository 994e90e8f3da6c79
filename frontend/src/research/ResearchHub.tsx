import { useEffect, useId, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useMe, useWorkspace } from '../app/auth';
import { usePersonas } from '../api/queries';
import {
  useCreateGuide,
  useCreateNote,
  useGuides,
  useNotes,
  useResearchProgress,
  type InterviewGuide,
  type ResearchProgress,
} from '../api/research';
import type { Persona } from '../api/types';
import { Dialog } from '../board/Dialog';
import { NotFoundPage } from '../pages/NotFoundPage';
import { PersonaAvatar } from '../pages/personaBits';
import { formatDay, mergeAnswers, progressView, roleAtCompany, sortNotes, today } from './logic';

/** `/research/`: progress toward the interview target, the notes and the guides. */
export function ResearchHub() {
  const membership = useWorkspace();
  const workspace = membership?.workspace;
  const canEdit = membership?.role !== 'viewer';
  const personas = usePersonas(workspace);
  const guides = useGuides(workspace);
  const progress = useResearchProgress(workspace);
  const [creating, setCreating] = useState<'note' | 'guide' | null>(null);
  if (!membership) return <NotFoundPage what="workspace" />;
  return (
    <div className="page research-page">
      <div className="page-head">
        <div>
          <p className="eyebrow">Research</p>
          <h1>Customer interviews</h1>
          <p className="muted">Interview notes from your guides, and the evidence they give your personas.</p>
        </div>
        {canEdit && (
          <div className="research-actions">
            <button type="button" className="btn" onClick={() => setCreating('guide')}>
              New guide
            </button>
            <button type="button" className="btn btn-primary" onClick={() => setCreating('note')}>
              New interview note
            </button>
          </div>
        )}
      </div>
      <ProgressPanel progress={progress.data} personas={personas.data ?? []} error={progress.error?.message} />
      <div className="research-columns">
        <NotesPanel workspace={membership.workspace} personas={personas.data ?? []} guides={guides.data ?? []} />
        <GuidesPanel guides={guides.data} />
      </div>
      {creating === 'note' && (
        <NewNoteDialog workspace={membership.workspace} guides={guides.data ?? []} onClose={() => setCreating(null)} />
      )}
      {creating === 'guide' && <NewGuideDialog workspace={membership.workspace} onClose={() => setCreating(null)} />}
    </div>
  );
}

function ProgressPanel({
  progress,
  personas,
  error,
}: {
  progress: ResearchProgress | undefined;
  personas: Persona[];
  error?: string;
}) {
  const headingId = useId();
  if (!progress) {
    return (
      <section className="panel research-progress" aria-labelledby={headingId}>
        <h2 id={headingId}>Interview target</h2>
        <p className="muted">{error ?? 'Loading…'}</p>
      </section>
    );
  }
  const view = progressView(progress);
  const byId = new Map(personas.map((p) => [p.id, p]));
  const most = Math.max(view.perPersona.max, ...progress.per_persona.map((p) => p.interviews), 1);
  const range =
    progress.target_min === progress.target_max ? `${progress.target_min}` : `${progress.target_min}–${progress.target_max}`;
  return (
    <section className="panel research-progress" aria-labelledby={headingId}>
      <div className="research-progress-head">
        <div>
          <h2 id={headingId}>Interview target</h2>
          <p className="muted small">
            {view.perPersona.min}–{view.perPersona.max} interviews per persona ({range} for {progress.personas}{' '}
            {progress.personas === 1 ? 'persona' : 'personas'}).
          </p>
        </div>
        <div className="stat" data-testid="research-interview-count">
          <strong>{progress.interviews}</strong>
          <span>of {range} interviews</span>
        </div>
      </div>
      <div
        className={`progress-track progress-${view.status}`}
        role="progressbar"
        aria-label="Interviews toward the target"
        aria-valuemin={0}
        aria-valuemax={progress.target_max}
        aria-valuenow={progress.interviews}
        aria-valuetext={view.label}
      >
        <span className="progress-fill" style={{ width: `${view.percent}%` }} />
        {view.minPercent > 0 && view.minPercent < 100 && (
          <span className="progress-min" style={{ left: `${view.minPercent}%` }} aria-hidden="true" />
        )}
      </div>
      <p className="progress-caption small">{view.label}.</p>
      {progress.per_persona.length > 0 ? (
        <>
          <h3 className="research-subhead">Interviews per persona</h3>
          <ul className="persona-bars" aria-label="Interviews per persona">
            {progress.per_persona.map((row) => {
              const persona = byId.get(row.persona);
              const short = row.interviews < view.perPersona.min;
              return (
                <li key={row.persona} data-testid="persona-progress" className={short ? 'is-short' : ''}>
                  <Link to={`/personas/${row.persona}/`} className="persona-bar-name">
                    {persona && <span aria-hidden="true" className="avatar-wrap"><PersonaAvatar persona={persona} size={22} /></span>}
                    <span>{row.name}</span>
                  </Link>
                  <span className="persona-bar-track" aria-hidden="true">
                    <span
                      className="persona-bar-fill"
                      style={{
                        width: `${Math.min(100, (row.interviews / most) * 100)}%`,
                        background: persona?.color ?? undefined,
                      }}
                    />
                    <span
                      className="persona-bar-min"
                      style={{ left: `${Math.min(100, (view.perPersona.min / most) * 100)}%` }}
                    />
                  </span>
                  <span className="persona-bar-count">
                    <strong data-testid="persona-interviews">{row.interviews}</strong>{' '}
                    {row.interviews === 1 ? 'interview' : 'interviews'}
                    {short ? (
                      <span className="badge badge-warn">
                        {row.interviews === 0 ? 'No evidence' : `${view.perPersona.min - row.interviews} more needed`}
                      </span>
                    ) : (
                      <span className="badge badge-good">Backed</span>
                    )}
                  </span>
                </li>
              );
            })}
          </ul>
        </>
      ) : (
        <p className="muted">
          No personas yet. <Link to="/personas/">Create a persona</Link> to collect evidence for.
        </p>
      )}
    </section>
  );
}

function NotesPanel({ workspace, personas, guides }: { workspace: string; personas: Persona[]; guides: InterviewGuide[] }) {
  const [search, setSearch] = useState('');
  const [debounced, setDebounced] = useState('');
  const [persona, setPersona] = useState('');
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(search), 250);
    return () => window.clearTimeout(timer);
  }, [search]);
  const notes = useNotes(workspace, { persona, search: debounced });
  const rows = sortNotes(notes.data ?? []);
  const personaById = new Map(personas.map((p) => [p.id, p]));
  const guideById = new Map(guides.map((g) => [g.id, g]));
  const filtered = Boolean(persona || debounced.trim());
  return (
    <section className="panel research-notes" aria-labelledby="research-notes-heading">
      <div className="section-head">
        <h2 id="research-notes-heading">Interview notes</h2>
        <span className="count">{notes.data ? rows.length : ''}</span>
      </div>
      <div className="research-filters" role="search" aria-label="Interview notes">
        <label className="field">
          <span>Search</span>
          <input
            type="search"
            value={search}
            placeholder="Title, interviewee, company, answers…"
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <div className="field">
          <label htmlFor="notes-persona-filter">Persona</label>
          <select id="notes-persona-filter" value={persona} onChange={(e) => setPersona(e.target.value)}>
            <option value="">All personas</option>
            {personas.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {rows.length > 0 && (
        <ul className="note-list">
          {rows.map((n) => {
            const guide = n.guide ? guideById.get(n.guide) : undefined;
            const where = roleAtCompany(n.interviewee_role, n.company);
            return (
              <li key={n.id} className="note-row" data-testid="note-row">
                <div className="note-row-main">
                  <Link to={`/research/notes/${n.id}/`} className="note-row-title">
                    {n.title || (n.interviewee ? `Interview with ${n.interviewee}` : 'Untitled interview')}
                  </Link>
                  <div className="note-row-meta">
                    {n.interviewee && <span>{n.interviewee}</span>}
                    {where && <span>{where}</span>}
                    {n.interviewed_on ? <time dateTime={n.interviewed_on}>{formatDay(n.interviewed_on)}</time> : <span>No date</span>}
                    <span>{guide ? guide.name : n.guide ? 'Guide' : 'No guide'}</span>
                  </div>
                  {n.personas.length > 0 && (
                    <div className="chip-row">
                      {n.personas.map((id) => {
                        const p = personaById.get(id);
                        return (
                          <Link key={id} to={`/personas/${id}/`} className="chip">
                            {p && <span aria-hidden="true" className="avatar-wrap"><PersonaAvatar persona={p} size={18} /></span>} {p?.name ?? 'Persona'}
                          </Link>
                        );
                      })}
                    </div>
                  )}
                </div>
                <div className="note-row-promoted" title="Items promoted to personas">
                  <strong>{n.evidence.length}</strong>
                  <span>promoted</span>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {rows.length === 0 && (
        <p className="muted empty-inline">
          {notes.isPending
            ? 'Loading…'
            : notes.error
              ? notes.error.message
              : filtered
                ? 'No notes match.'
                : 'No interview notes yet. Start one from a guide.'}
        </p>
      )}
    </section>
  );
}

function GuidesPanel({ guides }: { guides: InterviewGuide[] | undefined }) {
  const sorted = [...(guides ?? [])].sort((a, b) => Number(b.is_default) - Number(a.is_default) || a.name.localeCompare(b.name));
  return (
    <section className="panel research-guides" aria-labelledby="research-guides-heading">
      <h2 id="research-guides-heading">Interview guides</h2>
      <ul className="guide-list">
        {sorted.map((g) => (
          <li key={g.id} data-testid="guide-row">
            <div>
              <Link to={`/research/guides/${g.id}/`} className="guide-name">
                {g.name}
              </Link>
              {g.is_default && <span className="badge badge-default">Default</span>}
              {g.description && <p className="muted small clamp-2">{g.description}</p>}
            </div>
            <span className="muted small guide-meta">
              {g.questions.length} {g.questions.length === 1 ? 'question' : 'questions'} · {g.note_count}{' '}
              {g.note_count === 1 ? 'note' : 'notes'}
            </span>
          </li>
        ))}
      </ul>
      {guides && guides.length === 0 && <p className="muted">No guides yet.</p>}
      {!guides && <p className="muted">Loading…</p>}
    </section>
  );
}

function NewNoteDialog({
  workspace,
  guides,
  onClose,
}: {
  workspace: string;
  guides: InterviewGuide[];
  onClose: () => void;
}) {
  const me = useMe();
  const navigate = useNavigate();
  const create = useCreateNote();
  // null until someone picks: the default guide then follows the list, which may still be
  // loading when the dialog opens. '' is "No guide", picked on purpose.
  const [picked, setGuideId] = useState<string | null>(null);
  const guideId = picked ?? (guides.find((g) => g.is_default) ?? guides[0])?.id ?? '';
  const [interviewee, setInterviewee] = useState('');
  const submit = () => {
    const guide = guides.find((g) => g.id === guideId);
    create.mutate(
      {
        workspace,
        title: interviewee.trim() ? `Interview with ${interviewee.trim()}` : 'New interview',
        interviewee: interviewee.trim(),
        interviewer: me.name || me.username,
        interviewed_on: today(),
        guide: guide?.id ?? null,
        answers: mergeAnswers([], guide?.questions ?? []),
      },
      { onSuccess: (note) => navigate(`/research/notes/${note.id}/`) },
    );
  };
  return (
    <Dialog title="New interview note" onClose={onClose}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <fieldset className="field">
          <legend>Interview guide</legend>
          <div className="guide-options">
            {guides.map((g) => (
              <label key={g.id} className={`guide-option ${guideId === g.id ? 'selected' : ''}`}>
                <input type="radio" name="guide" value={g.id} checked={guideId === g.id} onChange={() => setGuideId(g.id)} />
                <span>
                  <strong>{g.name}</strong>
                  {g.is_default && <span className="badge badge-default">Default</span>}
                  <small>
                    {g.questions.length} {g.questions.length === 1 ? 'question' : 'questions'}
                  </small>
                </span>
              </label>
            ))}
            <label className={`guide-option ${guideId === '' ? 'selected' : ''}`}>
              <input type="radio" name="guide" value="" checked={guideId === ''} onChange={() => setGuideId('')} />
              <span>
                <strong>No guide</strong>
                <small>Free-form notes and a summary</small>
              </span>
            </label>
          </div>
        </fieldset>
        <label className="field">
          <span>Interviewee (optional)</span>
          <input value={interviewee} onChange={(e) => setInterviewee(e.target.value)} autoComplete="off" />
        </label>
        {create.error && (
          <p className="form-error" role="alert">
            {create.error.message}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create note'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function NewGuideDialog({ workspace, onClose }: { workspace: string; onClose: () => void }) {
  const navigate = useNavigate();
  const create = useCreateGuide();
  const [name, setName] = useState('');
  return (
    <Dialog title="New interview guide" onClose={onClose}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          create.mutate(
            { workspace, name: name.trim(), description: '', questions: [] },
            { onSuccess: (guide) => navigate(`/research/guides/${guide.id}/`) },
          );
        }}
      >
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off" />
        </label>
        {create.error && (
          <p className="form-error" role="alert">
            {create.error.message}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={create.isPending || !name.trim()}>
            {create.isPending ? 'Creating…' : 'Create guide'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
