import { useRef, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/http';
import { usePersonas } from '../api/queries';
import {
  useDeleteNote,
  useGuide,
  useGuides,
  useNote,
  usePromote,
  useUnlinkEvidence,
  useUpdateNote,
  type InterviewNote,
  type NoteAnswer,
  type NoteFields,
} from '../api/research';
import type { Persona } from '../api/types';
import { useWorkspace } from '../app/auth';
import { NotFoundPage } from '../pages/NotFoundPage';
import { PersonaAvatar } from '../pages/personaBits';
import { defaultPersona, fieldLabel, formatDay, mergeAnswers, promoteText, roleAtCompany, sameAnswers, titleForInterviewee } from './logic';
import { PromoteDialog, type PromoteRequest } from './PromoteDialog';

type TextField = 'title' | 'interviewee' | 'interviewee_role' | 'company' | 'interviewed_on' | 'interviewer' | 'summary';
type Draft = Record<TextField, string>;

function draftOf(note: InterviewNote): Draft {
  return {
    title: note.title,
    interviewee: note.interviewee,
    interviewee_role: note.interviewee_role,
    company: note.company,
    interviewed_on: note.interviewed_on ?? '',
    interviewer: note.interviewer,
    summary: note.summary,
  };
}

/** `/research/notes/<id>/`. */
export function InterviewNoteEditor({ noteId }: { noteId: string }) {
  const note = useNote(noteId);
  if (note.error instanceof ApiError && note.error.status === 404) return <NotFoundPage what="interview note" />;
  if (!note.data) return <div className="page muted">{note.error ? note.error.message : 'Loading…'}</div>;
  return <NoteForm key={note.data.id} note={note.data} />;
}

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; message: string };

function NoteForm({ note }: { note: InterviewNote }) {
  const membership = useWorkspace();
  const canEdit = membership?.workspace === note.workspace && membership.role !== 'viewer';
  const navigate = useNavigate();
  const personas = usePersonas(note.workspace);
  const guides = useGuides(note.workspace);
  const guide = useGuide(note.guide);
  const update = useUpdateNote(note.id);
  const remove = useDeleteNote(note.id);
  const promote = usePromote(note.id);
  const unlink = useUnlinkEvidence(note.id);
  const [draft, setDraft] = useState<Draft>(() => draftOf(note));
  const [answers, setAnswers] = useState<NoteAnswer[]>(note.answers);
  const [linked, setLinked] = useState<string[] | null>(null);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const inFlight = useRef(0);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const textareas = useRef(new Map<string, HTMLTextAreaElement>());
  const [promoting, setPromoting] = useState<PromoteRequest | null>(null);
  const [lastPersona, setLastPersona] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');

  const personaList = personas.data ?? [];
  const personaById = new Map(personaList.map((p) => [p.id, p]));
  const linkedIds = linked ?? note.personas;
  const shown = guide.data && guide.data.id === note.guide ? mergeAnswers(answers, guide.data.questions) : answers;

  const send = (fields: NoteFields, after?: () => void) => {
    inFlight.current += 1;
    setSave({ kind: 'saving' });
    // One request at a time, in order: each PATCH sees the one before it saved. (mutateAsync,
    // not mutate: mutate's own callbacks only fire for the latest call.)
    const run = queue.current.then(() => update.mutateAsync(fields));
    queue.current = run.catch(() => undefined);
    run.then(
      () => {
        inFlight.current -= 1;
        if (inFlight.current === 0) setSave((s) => (s.kind === 'error' ? s : { kind: 'saved' }));
        after?.();
      },
      (error: Error) => {
        inFlight.current -= 1;
        setSave({ kind: 'error', message: error.message });
        after?.();
      },
    );
  };

  /** Save one text field when it differs from what the server has. */
  const saveField = (field: TextField) => {
    const value = draft[field];
    const current = field === 'interviewed_on' ? (note.interviewed_on ?? '') : note[field];
    if (value === current) return;
    if (field === 'interviewed_on') send({ interviewed_on: value || null });
    else if (field === 'interviewee') {
      // A title made from the interviewee follows it.
      const title = titleForInterviewee(draft.title, note.interviewee, value);
      if (title !== draft.title) setDraft({ ...draft, title });
      send(title !== note.title ? { interviewee: value, title } : { interviewee: value });
    } else send({ [field]: value });
  };

  const saveAnswers = (next: NoteAnswer[]) => {
    if (sameAnswers(next, note.answers)) return;
    send({ answers: next });
  };

  const setAnswer = (question: string, value: string) =>
    setAnswers(shown.map((a) => (a.question === question ? { ...a, answer: value } : a)));

  const togglePersona = (id: string) => {
    const next = linkedIds.includes(id) ? linkedIds.filter((p) => p !== id) : [...linkedIds, id];
    setLinked(next);
    send({ personas: next }, () => {
      if (inFlight.current === 0) setLinked(null);
    });
  };

  const changeGuide = (guideId: string) => {
    const chosen = (guides.data ?? []).find((g) => g.id === guideId);
    const next = mergeAnswers(shown, chosen ? chosen.questions : null);
    setAnswers(next);
    send({ guide: chosen?.id ?? null, answers: next });
  };

  const openPromote = (source: string, text: string, key: string) => {
    const el = textareas.current.get(key);
    const selection = el ? { start: el.selectionStart, end: el.selectionEnd } : null;
    setPromoting({ source, text: promoteText(text, selection) });
  };

  const input = (field: TextField, label: string, props: { type?: string; className?: string } = {}) => (
    <label className={`field ${props.className ?? ''}`}>
      <span>{label}</span>
      <input
        type={props.type ?? 'text'}
        value={draft[field]}
        onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
        onBlur={() => saveField(field)}
        autoComplete="off"
      />
    </label>
  );

  const guideName = note.guide
    ? ((guides.data ?? []).find((g) => g.id === note.guide)?.name ?? guide.data?.name ?? 'Guide')
    : null;
  const heading = note.title || (note.interviewee ? `Interview with ${note.interviewee}` : 'Untitled interview');

  return (
    <div className="page research-page note-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/research/">Research</Link> / <span>{heading}</span>
      </nav>
      <div className="page-head">
        <div className="note-head-text">
          <p className="eyebrow">Interview note</p>
          {canEdit ? (
            <label className="note-title-field">
              <span className="sr-only">Title</span>
              <input
                className="note-title-input"
                value={draft.title}
                placeholder="Untitled interview"
                onChange={(e) => setDraft({ ...draft, title: e.target.value })}
                onBlur={() => saveField('title')}
              />
            </label>
          ) : (
            <h1>{heading}</h1>
          )}
        </div>
        {canEdit && (
          <div className="research-actions">
            <SaveStatus state={save} />
            <button
              type="button"
              className="btn btn-sm btn-danger"
              disabled={remove.isPending}
              onClick={() => {
                if (window.confirm(`Delete the interview note “${heading}”? What was promoted stays on the personas.`))
                  remove.mutate(undefined, { onSuccess: () => navigate('/research/') });
              }}
            >
              Delete note
            </button>
          </div>
        )}
      </div>
      {canEdit && <h1 className="sr-only">{heading}</h1>}
      {remove.error && (
        <p className="form-error" role="alert">
          {remove.error.message}
        </p>
      )}
      <p className="sr-only" role="status">
        {announce}
      </p>
      <div className="note-layout">
        <div className="note-main">
          <section className="panel" aria-labelledby="note-answers-heading">
            <div className="section-head">
              <h2 id="note-answers-heading">Answers</h2>
              {guideName && <span className="muted small">from {guideName}</span>}
            </div>
            {shown.length === 0 && (
              <p className="muted">{note.guide ? 'This guide has no questions yet.' : 'No guide: write the summary below, or choose a guide.'}</p>
            )}
            <ol className="answer-list">
              {shown.map((a, index) => {
                const id = `answer-${a.question}`;
                return (
                  <li key={a.question} className="answer">
                    <div className="answer-head">
                      <span className="answer-number" aria-hidden="true">
                        {index + 1}
                      </span>
                      {canEdit ? (
                        <label htmlFor={id} className="answer-question">
                          {a.text}
                        </label>
                      ) : (
                        <h3 className="answer-question">{a.text}</h3>
                      )}
                      {canEdit && a.answer.trim() && (
                        <PromoteButton
                          label={`Promote from “${a.text}”`}
                          onOpen={() => openPromote(a.text, a.answer, a.question)}
                        />
                      )}
                    </div>
                    {canEdit ? (
                      <textarea
                        id={id}
                        ref={(el) => {
                          if (el) textareas.current.set(a.question, el);
                          else textareas.current.delete(a.question);
                        }}
                        rows={Math.min(10, Math.max(2, Math.ceil(a.answer.length / 90) + a.answer.split('\n').length - 1))}
                        value={a.answer}
                        placeholder="What did they say?"
                        onChange={(e) => setAnswer(a.question, e.target.value)}
                        onBlur={() => saveAnswers(shown)}
                      />
                    ) : a.answer.trim() ? (
                      <p className="answer-text">{a.answer}</p>
                    ) : (
                      <p className="muted answer-text">Not answered.</p>
                    )}
                  </li>
                );
              })}
            </ol>
          </section>
          <section className="panel" aria-labelledby="note-summary-heading">
            <div className="answer-head">
              <h2 id="note-summary-heading" className="answer-question">
                {canEdit ? <label htmlFor="note-summary">Summary</label> : 'Summary'}
              </h2>
              {canEdit && draft.summary.trim() && (
                <PromoteButton label="Promote from the summary" onOpen={() => openPromote('Summary', draft.summary, 'summary')} />
              )}
            </div>
            {canEdit ? (
              <textarea
                id="note-summary"
                className="summary-input"
                ref={(el) => {
                  if (el) textareas.current.set('summary', el);
                  else textareas.current.delete('summary');
                }}
                rows={5}
                value={draft.summary}
                placeholder="The main takeaways of this interview"
                onChange={(e) => setDraft({ ...draft, summary: e.target.value })}
                onBlur={() => saveField('summary')}
              />
            ) : (
              <p className="answer-text">{note.summary || <span className="muted">No summary.</span>}</p>
            )}
          </section>
        </div>
        <aside className="note-side">
          <section className="panel" aria-labelledby="note-details-heading">
            <h2 id="note-details-heading">Interview</h2>
            {canEdit ? (
              <div className="note-details">
                {input('interviewee', 'Interviewee')}
                {input('interviewee_role', 'Role')}
                {input('company', 'Company')}
                {input('interviewed_on', 'Date', { type: 'date' })}
                {input('interviewer', 'Interviewer')}
                <div className="field">
                  <label htmlFor="note-guide">Guide</label>
                  <select id="note-guide" value={note.guide ?? ''} onChange={(e) => changeGuide(e.target.value)}>
                    <option value="">No guide</option>
                    {(guides.data ?? []).map((g) => (
                      <option key={g.id} value={g.id}>
                        {g.name}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
            ) : (
              <dl className="note-facts">
                <Fact term="Interviewee">{note.interviewee}</Fact>
                <Fact term="Role">{roleAtCompany(note.interviewee_role, note.company)}</Fact>
                <Fact term="Date">{formatDay(note.interviewed_on)}</Fact>
                <Fact term="Interviewer">{note.interviewer}</Fact>
                <Fact term="Guide">{guideName ?? 'No guide'}</Fact>
              </dl>
            )}
          </section>
          <section className="panel" aria-labelledby="note-personas-heading">
            <h2 id="note-personas-heading">Personas</h2>
            <PersonaChips
              canEdit={canEdit}
              personas={personaList}
              linked={linkedIds}
              onToggle={togglePersona}
            />
          </section>
          <section className="panel" aria-labelledby="note-promoted-heading">
            <div className="section-head">
              <h2 id="note-promoted-heading">Promoted to personas</h2>
              <span className="count">{note.evidence.length || ''}</span>
            </div>
            {note.evidence.length === 0 ? (
              <p className="muted small">
                {canEdit
                  ? 'Select words in an answer and choose “Promote…” to add them to a persona as evidence.'
                  : 'Nothing promoted yet.'}
              </p>
            ) : (
              <ul className="promoted-list" data-testid="promoted-list">
                {note.evidence.map((item) => {
                  const p = personaById.get(item.persona);
                  return (
                    <li key={item.id} data-testid="promoted-item">
                      <div className="promoted-meta">
                        <Link to={`/personas/${item.persona}/`} className="promoted-persona">
                          {p && <span aria-hidden="true" className="avatar-wrap"><PersonaAvatar persona={p} size={18} /></span>}
                          {item.persona_name || p?.name || 'Persona'}
                        </Link>
                        <span className={`promoted-field field-${item.field}`}>{fieldLabel(item.field)}</span>
                      </div>
                      <p className={item.field === 'quotes' ? 'promoted-text is-quote' : 'promoted-text'}>{item.text}</p>
                      {canEdit && (
                        <button
                          type="button"
                          className="btn btn-sm btn-ghost promoted-unlink"
                          disabled={unlink.isPending}
                          onClick={() => unlink.mutate({ id: item.id, persona: item.persona })}
                          aria-label={`Unlink “${item.text}” from ${item.persona_name || p?.name || 'the persona'}`}
                          title="The persona keeps the text; it no longer counts as evidence from this interview"
                        >
                          Unlink
                        </button>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        </aside>
      </div>
      {promoting && (
        <PromoteDialog
          request={promoting}
          personas={personaList}
          linked={linkedIds}
          initialPersona={defaultPersona(linkedIds, personaList, lastPersona)}
          busy={promote.isPending}
          error={promote.error?.message}
          onClose={() => {
            promote.reset();
            setPromoting(null);
          }}
          onPromote={(body) =>
            promote.mutate(body, {
              onSuccess: (result) => {
                setLastPersona(body.persona);
                setPromoting(null);
                setAnnounce(`Added to ${result.persona.name}: ${fieldLabel(body.field)}.`);
              },
            })
          }
        />
      )}
    </div>
  );
}

function PromoteButton({ label, onOpen }: { label: string; onOpen: () => void }) {
  return (
    <button
      type="button"
      className="btn btn-sm btn-ghost promote-btn"
      aria-label={label}
      title="Promote the selected words (or the whole answer) to a persona"
      // Keep the textarea's selection: read it before focus moves.
      onMouseDown={(e) => e.preventDefault()}
      onClick={onOpen}
    >
      <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.8">
        <path d="M8 13V3M3.5 7.5 8 3l4.5 4.5" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      Promote…
    </button>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children || <span className="muted">—</span>}</dd>
    </div>
  );
}

function PersonaChips({
  canEdit,
  personas,
  linked,
  onToggle,
}: {
  canEdit: boolean;
  personas: Persona[];
  linked: string[];
  onToggle: (id: string) => void;
}) {
  if (!canEdit) {
    const shown = personas.filter((p) => linked.includes(p.id));
    if (shown.length === 0) return <p className="muted small">No personas linked.</p>;
    return (
      <div className="chip-row">
        {shown.map((p) => (
          <Link key={p.id} to={`/personas/${p.id}/`} className="chip">
            <span aria-hidden="true" className="avatar-wrap"><PersonaAvatar persona={p} size={20} /></span> {p.name}
          </Link>
        ))}
      </div>
    );
  }
  if (personas.length === 0) return <p className="muted small">No personas in this workspace yet.</p>;
  return (
    <fieldset className="persona-picker">
      <legend className="sr-only">Linked personas</legend>
      <div className="chip-row">
        {personas.map((p) => {
          const on = linked.includes(p.id);
          return (
            <label key={p.id} className={`chip chip-toggle ${on ? 'on' : ''}`}>
              <input type="checkbox" checked={on} onChange={() => onToggle(p.id)} />
              <span aria-hidden="true" className="avatar-wrap"><PersonaAvatar persona={p} size={20} /></span> {p.name}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

function SaveStatus({ state }: { state: SaveState }) {
  const text =
    state.kind === 'saving'
      ? 'Saving…'
      : state.kind === 'saved'
        ? 'All changes saved'
        : state.kind === 'error'
          ? `Not saved: ${state.message}`
          : 'Changes save as you go';
  return (
    <span className={`save-status save-${state.kind}`} role="status" data-testid="save-status">
      {text}
    </span>
  );
}
