/** An editable list of short texts: add, edit in place, reorder (drag or move buttons), remove.
 * Every change is handed to `onChange` at once (the editor saves it); texts commit on blur/Enter. */
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
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { moveItem, reconcileIds, type KeyedItem } from './EditorModel';

let nextId = 0;
const fresh = () => `li-${++nextId}`;

export interface ListEditorProps {
  /** What the list is, e.g. "Goals" (names the list and its controls). */
  label: string;
  /** One item, e.g. "goal". */
  itemLabel: string;
  items: readonly string[];
  onChange: (items: string[]) => void;
  readOnly?: boolean;
  placeholder?: string;
  /** Something shown under an item (a quote's source). */
  renderExtra?: (text: string, index: number) => ReactNode;
  /** How items read when read-only (default: a bulleted list). */
  variant?: 'list' | 'chips' | 'quotes';
  emptyText?: string;
}

export function ListEditor({
  label,
  itemLabel,
  items,
  onChange,
  readOnly = false,
  placeholder,
  renderExtra,
  variant = 'list',
  emptyText = 'Nothing yet.',
}: ListEditorProps) {
  const keyed = useRef<KeyedItem[]>([]);
  const list = useMemo(() => {
    keyed.current = reconcileIds(keyed.current, items, fresh);
    return keyed.current;
  }, [items]);
  const rootRef = useRef<HTMLDivElement>(null);
  const focusAfter = useRef<{ id: string; which: 'up' | 'down' } | null>(null);

  useEffect(() => {
    const want = focusAfter.current;
    if (!want || !rootRef.current) return;
    focusAfter.current = null;
    const buttons = rootRef.current.querySelectorAll<HTMLButtonElement>(`[data-item="${want.id}"] [data-move]`);
    const preferred = [...buttons].find((b) => b.dataset.move === want.which && !b.disabled);
    (preferred ?? [...buttons].find((b) => !b.disabled))?.focus();
  }, [list]);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  if (readOnly) {
    if (!items.length) return <p className="muted list-empty">{emptyText}</p>;
    if (variant === 'chips') {
      return (
        <ul className="list-chips" aria-label={label}>
          {items.map((item, i) => (
            <li key={i} className="chip">
              {item}
            </li>
          ))}
        </ul>
      );
    }
    return (
      <ul className={variant === 'quotes' ? 'list-quotes' : 'list-read'} aria-label={label}>
        {items.map((item, i) => (
          <li key={i}>
            {variant === 'quotes' ? <blockquote className="quote">“{item}”</blockquote> : item}
            {renderExtra?.(item, i)}
          </li>
        ))}
      </ul>
    );
  }

  const commitText = (index: number, text: string) => {
    const trimmed = text.trim();
    if (trimmed === items[index]) return;
    if (!trimmed) {
      onChange(items.filter((_, i) => i !== index));
      return;
    }
    // The edited item keeps its id (and its focus) under its new text.
    const entry = keyed.current[index];
    if (entry) entry.text = trimmed;
    onChange(items.map((item, i) => (i === index ? trimmed : item)));
  };

  const move = (index: number, to: number, which: 'up' | 'down') => {
    const entry = list[index];
    if (entry) focusAfter.current = { id: entry.id, which };
    onChange(moveItem(items, index, to));
  };

  const onDragEnd = (event: DragEndEvent) => {
    const { active, over } = event;
    if (!over || active.id === over.id) return;
    const from = list.findIndex((item) => item.id === active.id);
    const to = list.findIndex((item) => item.id === over.id);
    if (from >= 0 && to >= 0) onChange(moveItem(items, from, to));
  };

  return (
    <div className="list-editor" ref={rootRef}>
      {list.length > 0 && (
        <DndContext
          sensors={sensors}
          collisionDetection={closestCenter}
          onDragEnd={onDragEnd}
          accessibility={{
            announcements: {
              onDragStart: ({ active }) => `Picked up ${itemLabel} ${indexOf(list, active.id) + 1}.`,
              onDragOver: ({ over }) => (over ? `Over position ${indexOf(list, over.id) + 1}.` : ''),
              onDragEnd: ({ over }) => (over ? `Dropped at position ${indexOf(list, over.id) + 1}.` : 'Dropped.'),
              onDragCancel: () => 'Moving cancelled.',
            },
          }}
        >
          <SortableContext items={list.map((item) => item.id)} strategy={verticalListSortingStrategy}>
            <ol className="list-items" aria-label={label}>
              {list.map((item, index) => (
                <SortableRow
                  key={item.id}
                  item={item}
                  index={index}
                  count={list.length}
                  itemLabel={itemLabel}
                  onCommit={(text) => commitText(index, text)}
                  onMove={(to, which) => move(index, to, which)}
                  onRemove={() => onChange(items.filter((_, i) => i !== index))}
                  extra={renderExtra?.(item.text, index)}
                />
              ))}
            </ol>
          </SortableContext>
        </DndContext>
      )}
      <AddItem itemLabel={itemLabel} placeholder={placeholder} onAdd={(text) => onChange([...items, text])} />
    </div>
  );
}

function indexOf(list: KeyedItem[], id: string | number): number {
  return list.findIndex((item) => item.id === id);
}

function SortableRow({
  item,
  index,
  count,
  itemLabel,
  onCommit,
  onMove,
  onRemove,
  extra,
}: {
  item: KeyedItem;
  index: number;
  count: number;
  itemLabel: string;
  onCommit: (text: string) => void;
  onMove: (to: number, which: 'up' | 'down') => void;
  onRemove: () => void;
  extra?: ReactNode;
}) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: item.id,
  });
  const [draft, setDraft] = useState(item.text);
  const focused = useRef(false);
  const sent = useRef<string | null>(null);
  useEffect(() => {
    if (!focused.current) setDraft(item.text);
  }, [item.text]);
  const name = `${capital(itemLabel)} ${index + 1}`;
  // Sent once (Enter, then blur, sends once); a refused edit is not sent again by leaving.
  const commit = () => {
    const text = draft.trim();
    if (text === item.text || text === sent.current) return false;
    sent.current = text;
    onCommit(text);
    return true;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      commit();
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      setDraft(item.text);
    }
  };
  return (
    <li
      ref={setNodeRef}
      data-item={item.id}
      className={`list-item ${isDragging ? 'dragging' : ''}`}
      style={{ transform: CSS.Translate.toString(transform), transition }}
    >
      <button
        type="button"
        className="list-handle"
        ref={setActivatorNodeRef}
        aria-label={`Drag ${name}`}
        {...attributes}
        {...listeners}
      >
        <svg width="10" height="16" viewBox="0 0 10 16" aria-hidden="true">
          {[3, 8, 13].map((y) => (
            <g key={y}>
              <circle cx="2.5" cy={y} r="1.4" />
              <circle cx="7.5" cy={y} r="1.4" />
            </g>
          ))}
        </svg>
      </button>
      <div className="list-text">
        <AutoTextarea
          aria-label={name}
          value={draft}
          onFocus={() => {
            focused.current = true;
            sent.current = null;
          }}
          onChange={setDraft}
          onBlur={() => {
            focused.current = false;
            if (!commit()) setDraft(item.text);
          }}
          onKeyDown={onKeyDown}
        />
        {extra}
      </div>
      <div className="list-actions">
        <button
          type="button"
          className="icon-btn icon-btn-sm"
          data-move="up"
          aria-label={`Move ${name} up`}
          disabled={index === 0}
          onClick={() => onMove(index - 1, 'up')}
        >
          ↑
        </button>
        <button
          type="button"
          className="icon-btn icon-btn-sm"
          data-move="down"
          aria-label={`Move ${name} down`}
          disabled={index === count - 1}
          onClick={() => onMove(index + 1, 'down')}
        >
          ↓
        </button>
        <button type="button" className="icon-btn icon-btn-sm list-remove" aria-label={`Remove ${name}`} onClick={onRemove}>
          ×
        </button>
      </div>
    </li>
  );
}

/** A one-line-looking textarea that grows with its text (items can be long sentences). */
function AutoTextarea({
  value,
  onChange,
  ...rest
}: {
  value: string;
  onChange: (value: string) => void;
  onFocus: () => void;
  onBlur: () => void;
  onKeyDown: (e: KeyboardEvent<HTMLTextAreaElement>) => void;
  'aria-label': string;
}) {
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [value]);
  return <textarea ref={ref} rows={1} value={value} onChange={(e) => onChange(e.target.value)} {...rest} />;
}

function AddItem({ itemLabel, placeholder, onAdd }: { itemLabel: string; placeholder?: string; onAdd: (text: string) => void }) {
  const [text, setText] = useState('');
  const id = useId();
  const add = () => {
    const trimmed = text.trim();
    if (!trimmed) return;
    onAdd(trimmed);
    setText('');
  };
  return (
    <div className="list-add">
      <label htmlFor={id} className="sr-only">
        New {itemLabel}
      </label>
      <input
        id={id}
        value={text}
        placeholder={placeholder ?? `Add a ${itemLabel}…`}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add();
          }
        }}
      />
      <button type="button" className="btn btn-sm" onClick={add} disabled={!text.trim()} aria-label={`Add ${itemLabel}`}>
        Add
      </button>
    </div>
  );
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
