/** Labelled fields that save themselves: text on blur/Enter, selects at once. Read-only, they
 * render as plain text (no inputs for viewers). */
import { createContext, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';

/** The version the editor shows, and a way to say an edit started from an older one. */
export const EditBaseContext = createContext<{ version: number; pin: (version: number) => void } | null>(null);

/** A text being edited: the draft, kept while focused, and what it started from.
 * `commit` sends a changed draft once (Enter then blur sends once); if the value changed under
 * the draft meanwhile (someone else's edit arrived), the save says which version it started from
 * so the server can refuse it instead of silently overwriting. Otherwise blur shows the value. */
function useDraft(value: string) {
  const base = useContext(EditBaseContext);
  const [draft, setDraft] = useState(value);
  const focused = useRef(false);
  const start = useRef<{ value: string; version: number } | null>(null);
  const sent = useRef<string | null>(null);
  useEffect(() => {
    if (!focused.current) setDraft(value);
  }, [value]);
  const onFocus = () => {
    focused.current = true;
    sent.current = null;
    start.current = { value, version: base?.version ?? 0 };
  };
  const commit = (next: string, send: (next: string) => void) => {
    if (next === value || next === sent.current) return false;
    sent.current = next;
    if (base && start.current && start.current.value !== value) base.pin(start.current.version);
    send(next);
    return true;
  };
  const onBlur = (next: string, send: (next: string) => void) => {
    focused.current = false;
    if (!commit(next, send)) setDraft(value);
    start.current = null;
  };
  return { draft, setDraft, onFocus, commit, onBlur };
}

export function TextField({
  label,
  value,
  onCommit,
  readOnly = false,
  multiline = false,
  placeholder,
  className = '',
  hint,
  maxLength,
  inputClassName,
  hideLabel = false,
}: {
  label: string;
  value: string;
  onCommit: (value: string) => void;
  readOnly?: boolean;
  multiline?: boolean;
  placeholder?: string;
  className?: string;
  hint?: ReactNode;
  maxLength?: number;
  inputClassName?: string;
  hideLabel?: boolean;
}) {
  const id = useId();
  const { draft, setDraft, onFocus, commit: commitDraft, onBlur } = useDraft(value ?? '');
  if (readOnly) {
    if (!value) return null;
    return (
      <div className={`field-read ${className}`}>
        <span className="field-read-label">{label}</span>
        <span className="field-read-value">{value}</span>
      </div>
    );
  }
  const normal = () => (multiline ? draft : draft.trim());
  const commit = () => commitDraft(normal(), onCommit);
  const common = {
    id,
    value: draft,
    placeholder,
    maxLength,
    className: inputClassName,
    onFocus,
    onBlur: () => onBlur(normal(), onCommit),
  };
  return (
    <div className={`field editor-field ${className}`}>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'editor-label'}>
        {label}
      </label>
      {multiline ? (
        <textarea
          {...common}
          rows={3}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) commit();
            if (e.key === 'Escape') setDraft(value ?? '');
          }}
        />
      ) : (
        <input
          {...common}
          type="text"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              commit();
            }
            if (e.key === 'Escape') setDraft(value ?? '');
          }}
        />
      )}
      {hint && <span className="field-hint">{hint}</span>}
    </div>
  );
}

/** A number (or blank → null). */
export function NumberField({
  label,
  value,
  onCommit,
  readOnly = false,
  min,
  max,
  step,
  hint,
  format,
  className = '',
  placeholder,
}: {
  label: string;
  value: number | string | null;
  onCommit: (value: number | null) => void;
  readOnly?: boolean;
  min?: number;
  max?: number;
  step?: number | 'any';
  hint?: ReactNode;
  format?: (value: number) => string;
  className?: string;
  placeholder?: string;
}) {
  const id = useId();
  const shown = value === null || value === undefined || value === '' ? '' : String(Number(value));
  const { draft, setDraft, onFocus, commit: commitDraft, onBlur } = useDraft(shown);
  if (readOnly) {
    if (shown === '') return null;
    return (
      <div className={`field-read ${className}`}>
        <span className="field-read-label">{label}</span>
        <span className="field-read-value">{format ? format(Number(shown)) : shown}</span>
      </div>
    );
  }
  const send = (text: string) => onCommit(text === '' ? null : Number(text));
  const valid = () => {
    const text = draft.trim();
    return text === '' || !Number.isNaN(Number(text)) ? text : shown;
  };
  const commit = () => commitDraft(valid(), send);
  return (
    <div className={`field editor-field ${className}`}>
      <label htmlFor={id} className="editor-label">
        {label}
      </label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        value={draft}
        min={min}
        max={max}
        step={step}
        placeholder={placeholder}
        onFocus={onFocus}
        onBlur={() => onBlur(valid(), send)}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
          }
        }}
      />
      {hint && <span className="field-hint">{hint}</span>}
    </div>
  );
}

export function SelectField({
  label,
  value,
  options,
  onCommit,
  readOnly = false,
  className = '',
  hint,
}: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onCommit: (value: string) => void;
  readOnly?: boolean;
  className?: string;
  hint?: ReactNode;
}) {
  const id = useId();
  if (readOnly) {
    return (
      <div className={`field-read ${className}`}>
        <span className="field-read-label">{label}</span>
        <span className="field-read-value">{options.find((o) => o.value === value)?.label || '—'}</span>
      </div>
    );
  }
  return (
    <div className={`field editor-field ${className}`}>
      <label htmlFor={id} className="editor-label">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onCommit(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && <span className="field-hint">{hint}</span>}
    </div>
  );
}

/** A colour swatch; the picked colour is saved once the picker settles. */
export function ColorField({ label, value, onCommit }: { label: string; value: string; onCommit: (value: string) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => setDraft(value), [value]);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return (
    <div className="color-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="color"
        value={/^#[0-9a-f]{6}$/i.test(draft) ? draft : '#6366f1'}
        onChange={(e) => {
          const next = e.target.value;
          setDraft(next);
          window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => {
            if (next.toLowerCase() !== value.toLowerCase()) onCommit(next);
          }, 400);
        }}
      />
    </div>
  );
}
