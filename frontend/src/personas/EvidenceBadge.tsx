/** Whether a section rests on research: "Backed by research · N" or "Assumption". */
import type { EvidenceGroup } from '../api/personas';

export function EvidenceBadge({ group }: { group: EvidenceGroup | null }) {
  if (!group) return null;
  if (group.count > 0) {
    return (
      <span className="evidence-badge backed" title={`${group.count} linked research item${group.count === 1 ? '' : 's'} back ${group.label}`}>
        Backed by research · {group.count}
      </span>
    );
  }
  return (
    <span className="evidence-badge assumption" title="No interview backs this section yet">
      Assumption
    </span>
  );
}
