import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { PresenceFocus } from '../sync/types';
import { useBoard } from './BoardContext';

/**
 * Text that turns into a field on double-click (or Enter when focused). Enter saves
 * (Shift+Enter is a new line when multiline), Escape cancels, leaving the field saves.
 * While it is open, the user's presence names what they edit, so others see an outline.
 */
export function EditableText({
  value,
  onCommit,
  focus,
  label,
  multiline = false,
  required = true,
  placeholder,
  className = '',
  editOnClick = false,
  startEditing = false,
  onEditEnd,
  maxLength,
  focusable = true,
}: {
  value: string;
  onCommit: (value: string) => void;
  focus: PresenceFocus;
  label: string;
  multiline?: boolean;
  required?: boolean;
  placeholder?: string;
  className?: string;
  editOnClick?: boolean;
  startEditing?: boolean;
  onEditEnd?: () => void;
  maxLength?: number;
  /** False inside a focusable card, which opens the editor itself on Enter. */
  focusable?: boolean;
}) {
  const board = useBoard();
  const [editing, setEditing] = useState(startEditing);
  const [draft, setDraft] = useState(value);
  const fieldRef = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const displayRef = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    if (startEditing && !board.readOnly) begin();
  }, [startEditing]);

  useEffect(() => {
    if (editing) {
      fieldRef.current?.focus();
      fieldRef.current?.select();
    }
  }, [editing]);

  // The row can vanish mid-edit (someone deleted it): stop telling others we edit it.
  const editingRef = useRef(false);
  editingRef.current = editing;
  const setFocusRef = useRef(board.setFocus);
  setFocusRef.current = board.setFocus;
  useEffect(
    () => () => {
      if (editingRef.current) setFocusRef.current(null);
    },
    [],
  );

  function begin() {
    if (board.readOnly) return;
    setDraft(value);
    setEditing(true);
    board.setFocus(focus);
  }

  function end(save: boolean) {
    if (!editing) return;
    setEditing(false);
    board.setFocus(null);
    const next = multiline ? draft : draft.trim();
    if (save && next !== value && (!required || next.trim())) onCommit(next);
    onEditEnd?.();
    if (focusable) requestAnimationFrame(() => displayRef.current?.focus());
  }

  function onKeyDown(event: KeyboardEvent) {
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      end(false);
    } else if (event.key === 'Enter' && (!multiline || !event.shiftKey)) {
      event.preventDefault();
      end(true);
    }
  }

  if (editing) {
    const common = {
      ref: fieldRef,
      value: draft,
      'aria-label': label,
      className: `inline-field ${className}`,
      maxLength,
      placeholder,
      onChange: (e: { target: { value: string } }) => setDraft(e.target.value),
      onBlur: () => end(true),
      onKeyDown,
      onPointerDown: (e: { stopPropagation: () => void }) => e.stopPropagation(),
      onClick: (e: { stopPropagation: () => void }) => e.stopPropagation(),
    };
    return multiline ? <textarea rows={3} {...common} /> : <input {...common} />;
  }
  return (
    <span
      ref={displayRef}
      className={`editable ${className} ${value ? '' : 'placeholder'} ${board.readOnly ? 'readonly' : ''}`}
      tabIndex={board.readOnly || !focusable ? undefined : 0}
      role={board.readOnly || !focusable ? undefined : 'button'}
      // The name holds what is shown (the value or the placeholder): voice control users say that.
      aria-label={board.readOnly || !focusable ? undefined : `${label}: ${value || placeholder || 'empty'}. Press Enter to edit`}
      onDoubleClick={(e) => {
        e.stopPropagation();
        begin();
      }}
      onClick={(e) => {
        if (editOnClick) {
          e.stopPropagation();
          begin();
        }
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !board.readOnly) {
          e.preventDefault();
          e.stopPropagation();
          begin();
        }
      }}
    >
      {value || placeholder}
    </span>
  );
}
