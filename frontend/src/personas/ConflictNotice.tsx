/** "<who> changed this while you were editing — their value: …", with the two ways out. */
import type { FieldConflict } from './EditorModel';
import { fieldLabel, formatValue } from './EditorModel';

export function ConflictNotice({
  conflict,
  onKeepTheirs,
  onUseMine,
  names,
  readOnly = false,
}: {
  conflict: FieldConflict;
  onKeepTheirs: () => void;
  onUseMine: () => void;
  /** Readable names for ids in the value (channels, owner). */
  names?: (id: string) => string | undefined;
  readOnly?: boolean;
}) {
  const who = conflict.changedBy ?? 'Someone';
  const label = fieldLabel(conflict.field);
  return (
    <div className="conflict-notice" role="alert" data-field={conflict.field}>
      <p>
        <strong>{label}:</strong> {who} changed this while you were editing — their value:{' '}
        <span className="conflict-value">{formatValue(conflict.theirs, names)}</span>
      </p>
      <p className="conflict-mine">
        Your value: <span className="conflict-value">{formatValue(conflict.mine, names)}</span>
      </p>
      {!readOnly && (
        <div className="conflict-actions">
          <button type="button" className="btn btn-sm" onClick={onKeepTheirs}>
            Keep theirs
          </button>
          <button type="button" className="btn btn-sm btn-primary" onClick={onUseMine}>
            Use mine
          </button>
        </div>
      )}
    </div>
  );
}
