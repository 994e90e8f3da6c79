import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/http';
import { useDeleteGuide, useGuide, useUpdateGuide, type GuideQuestion, type InterviewGuide } from '../api/research';
import { useWorkspace } from '../app/auth';
import { NotFoundPage } from '../pages/NotFoundPage';
import { moveItem, newQuestionId } from './logic';

/** `/research/guides/<id>/`. */
export function InterviewGuideEditor({ guideId }: { guideId: string }) {
  const guide = useGuide(guideId);
  if (guide.error instanceof ApiError && guide.error.status === 404) return <NotFoundPage what="interview guide" />;
  if (!guide.data) return <div className="page muted">{guide.error ? guide.error.message : 'Loading…'}</div>;
  return <GuideForm key={guide.data.id} guide={guide.data} />;
}

interface GuideDraft {
  name: string;
  description: string;
  questions: GuideQuestion[];
}

const draftOf = (g: InterviewGuide): GuideDraft => ({
  name: g.name,
  description: g.description,
  questions: g.questions.map((q) => ({ ...q })),
});

function sameDraft(a: GuideDraft, b: GuideDraft): boolean {
  return (
    a.name === b.name &&
    a.description === b.description &&
    a.questions.length === b.questions.length &&
    a.questions.every((q, i) => q.id === b.questions[i]!.id && q.text === b.questions[i]!.text)
  );
}

function GuideForm({ guide }: { guide: InterviewGuide }) {
  const membership = useWorkspace();
  const canEdit = membership?.workspace === guide.workspace && membership.role !== 'viewer';
  const navigate = useNavigate();
  const update = useUpdateGuide(guide.id);
  const remove = useDeleteGuide(guide.id);
  const [draft, setDraft] = useState<GuideDraft>(() => draftOf(guide));
  const [saved, setSaved] = useState<GuideDraft>(() => draftOf(guide));
  const [focusId, setFocusId] = useState<string | null>(null);
  // After a move by button, focus stays on the moved question's arrows.
  const [focusMove, setFocusMove] = useState<{ id: string; dir: 'up' | 'down'; at: number } | null>(null);
  const [announce, setAnnounce] = useState('');
  const dirty = !sameDraft(draft, saved);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  // Leaving with unsaved edits asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const setQuestions = (questions: GuideQuestion[]) => setDraft({ ...draft, questions });
  const move = (from: number, to: number, say = true) => {
    const next = moveItem(draft.questions, from, to);
    if (next === draft.questions) return;
    setQuestions(next);
    if (say) setAnnounce(`Question moved to position ${Math.max(0, Math.min(next.length - 1, to)) + 1} of ${next.length}.`);
  };
  const onDragEnd = (event: DragEndEvent) => {
    const { active, over } = event;
    if (!over || active.id === over.id) return;
    const from = draft.questions.findIndex((q) => q.id === active.id);
    const to = draft.questions.findIndex((q) => q.id === over.id);
    move(from, to);
  };
  const addQuestion = () => {
    const id = newQuestionId();
    setQuestions([...draft.questions, { id, text: '' }]);
    setFocusId(id);
  };
  const submit = () => {
    const cleaned: GuideDraft = {
      name: draft.name.trim() || guide.name,
      description: draft.description,
      questions: draft.questions.map((q) => ({ id: q.id, text: q.text.trim() })).filter((q) => q.text),
    };
    update.mutate(cleaned, {
      onSuccess: (g) => {
        const next = draftOf(g);
        setDraft(next);
        setSaved(next);
      },
    });
  };

  const status = update.isPending
    ? 'Saving…'
    : update.error
      ? `Not saved: ${update.error.message}`
      : dirty
        ? 'Unsaved changes'
        : update.isSuccess
          ? 'All changes saved'
          : '';

  return (
    <div className="page research-page guide-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/research/">Research</Link> / <span>{guide.name}</span>
      </nav>
      <div className="page-head">
        <div>
          <p className="eyebrow">
            Interview guide {guide.is_default && <span className="badge badge-default">Default</span>}
          </p>
          <h1>{guide.name}</h1>
          <p className="muted">
            {guide.note_count} {guide.note_count === 1 ? 'interview note uses' : 'interview notes use'} this guide.
            {canEdit && guide.note_count > 0 && ' Edits keep their answers attached.'}
          </p>
        </div>
        {canEdit && (
          <div className="research-actions">
            <span className={`save-status ${update.error ? 'save-error' : ''}`} role="status" data-testid="guide-status">
              {status}
            </span>
            <button
              type="button"
              className="btn btn-sm btn-danger"
              disabled={remove.isPending}
              onClick={() => {
                if (window.confirm(`Delete the guide “${guide.name}”? Interview notes keep their questions and answers.`))
                  remove.mutate(undefined, { onSuccess: () => navigate('/research/') });
              }}
            >
              Delete guide
            </button>
            <button type="button" className="btn btn-primary" disabled={!dirty || update.isPending} onClick={submit}>
              Save guide
            </button>
          </div>
        )}
      </div>
      {remove.error && (
        <p className="form-error" role="alert">
          {remove.error.message}
        </p>
      )}
      <p className="sr-only" aria-live="polite">
        {announce}
      </p>
      {canEdit ? (
        <form
          className="guide-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (dirty) submit();
          }}
        >
          <section className="panel guide-meta-panel" aria-label="Name and description">
            <label className="field">
              <span>Name</span>
              <input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} required />
            </label>
            <div className="field">
              {/* for/id, not a wrapping label: React puts a textarea's first value in its text. */}
              <label htmlFor="guide-description">Description</label>
              <textarea
                id="guide-description"
                rows={2}
                value={draft.description}
                onChange={(e) => setDraft({ ...draft, description: e.target.value })}
              />
            </div>
          </section>
          <section className="panel" aria-labelledby="guide-questions-heading">
            <div className="section-head">
              <h2 id="guide-questions-heading">Questions</h2>
              <span className="count">{draft.questions.length || ''}</span>
              <span className="muted small guide-hint">Drag the handle, or use the arrows, to reorder.</span>
            </div>
            <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
              <SortableContext items={draft.questions.map((q) => q.id)} strategy={verticalListSortingStrategy}>
                <ol className="question-list">
                  {draft.questions.map((q, index) => (
                    <SortableQuestion
                      key={q.id}
                      question={q}
                      index={index}
                      count={draft.questions.length}
                      autoFocus={focusId === q.id}
                      onChange={(text) => setQuestions(draft.questions.map((x) => (x.id === q.id ? { ...x, text } : x)))}
                      focusMove={focusMove?.id === q.id ? focusMove : null}
                      onMove={(to) => {
                        move(index, to);
                        setFocusMove({ id: q.id, dir: to < index ? 'up' : 'down', at: Date.now() });
                      }}
                      onRemove={() => {
                        setQuestions(draft.questions.filter((x) => x.id !== q.id));
                        setAnnounce(`Question ${index + 1} removed.`);
                      }}
                    />
                  ))}
                </ol>
              </SortableContext>
            </DndContext>
            {draft.questions.length === 0 && <p className="muted">No questions yet.</p>}
            <button type="button" className="btn btn-sm add-question" onClick={addQuestion}>
              + Add question
            </button>
          </section>
        </form>
      ) : (
        <section className="panel" aria-labelledby="guide-questions-heading">
          {guide.description && <p className="guide-description">{guide.description}</p>}
          <h2 id="guide-questions-heading">Questions</h2>
          <ol className="question-list read-only">
            {guide.questions.map((q, index) => (
              <li key={q.id} className="question-row">
                <span className="answer-number" aria-hidden="true">
                  {index + 1}
                </span>
                <span className="question-text">{q.text}</span>
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}

function SortableQuestion({
  question,
  index,
  count,
  autoFocus,
  focusMove,
  onChange,
  onMove,
  onRemove,
}: {
  question: GuideQuestion;
  index: number;
  count: number;
  autoFocus: boolean;
  focusMove: { dir: 'up' | 'down'; at: number } | null;
  onChange: (text: string) => void;
  onMove: (to: number) => void;
  onRemove: () => void;
}) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: question.id,
  });
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (autoFocus) ref.current?.focus();
  }, [autoFocus]);
  const up = useRef<HTMLButtonElement>(null);
  const down = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!focusMove) return;
    const [first, second] = focusMove.dir === 'up' ? [up, down] : [down, up];
    (first.current && !first.current.disabled ? first.current : second.current)?.focus();
  }, [focusMove]);
  const n = index + 1;
  return (
    <li
      ref={setNodeRef}
      className={`question-row ${isDragging ? 'is-dragging' : ''}`}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      data-testid="guide-question"
    >
      <button
        type="button"
        ref={setActivatorNodeRef}
        className="icon-btn drag-handle"
        aria-label={`Drag question ${n}`}
        {...attributes}
        {...listeners}
      >
        <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" fill="currentColor">
          <circle cx="4.5" cy="3" r="1.3" />
          <circle cx="9.5" cy="3" r="1.3" />
          <circle cx="4.5" cy="7" r="1.3" />
          <circle cx="9.5" cy="7" r="1.3" />
          <circle cx="4.5" cy="11" r="1.3" />
          <circle cx="9.5" cy="11" r="1.3" />
        </svg>
      </button>
      <span className="answer-number" aria-hidden="true">
        {n}
      </span>
      <div className="question-field">
        <textarea
          ref={ref}
          aria-label={`Question ${n}`}
          rows={1}
          value={question.text}
          placeholder="Ask an open question…"
          onChange={(e) => onChange(e.target.value)}
        />
      </div>
      <div className="question-actions">
        <button
          type="button"
          ref={up}
          className="icon-btn"
          aria-label={`Move question ${n} up`}
          disabled={index === 0}
          onClick={() => onMove(index - 1)}
        >
          ↑
        </button>
        <button
          type="button"
          ref={down}
          className="icon-btn"
          aria-label={`Move question ${n} down`}
          disabled={index === count - 1}
          onClick={() => onMove(index + 1)}
        >
          ↓
        </button>
        <button type="button" className="icon-btn danger" aria-label={`Remove question ${n}`} onClick={onRemove}>
          ×
        </button>
      </div>
    </li>
  );
}
