/** An audit entry in plain words: "ben removed carla from the workspace". */

import type { AuditEntry } from '../api/audit';

/** The kinds the page filters by, each the action names (or prefixes ending in ".") it
 * covers, as the API's `action` filter takes them. */
export const KINDS = [
  { value: 'members', label: 'Members', actions: ['member.', 'invitation.'] },
  { value: 'share_links', label: 'Share links', actions: ['share_link.'] },
  {
    value: 'exports',
    label: 'Exports',
    actions: ['map.exported', 'persona.exported', 'features.exported', 'segment.exported', 'customer.exported'],
  },
  { value: 'imports', label: 'Imports', actions: ['events.imported', 'customers.imported'] },
  {
    value: 'deletions',
    label: 'Deletions',
    actions: ['map.trashed', 'map.restored', 'map.purged', 'persona.trashed', 'persona.restored', 'persona.purged', 'customer.erased'],
  },
  { value: 'workspace', label: 'Workspace', actions: ['workspace.'] },
] as const;

export type Kind = (typeof KINDS)[number]['value'];

export function kindActions(kind: string): string | undefined {
  return KINDS.find((k) => k.value === kind)?.actions.join(',');
}

const FORMATS: Record<string, string> = { pdf: 'PDF', png: 'PNG', csv: 'CSV' };

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function count(value: unknown, one: string, many: string): string {
  const n = typeof value === 'number' ? value : Number(value ?? 0);
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function quoted(value: unknown): string {
  const label = text(value);
  return label ? ` “${label}”` : '';
}

/** Who acted: the username kept with the entry, or the share link an export went through. */
export function who(entry: AuditEntry): string {
  if (entry.actor.name) return entry.actor.name;
  if (entry.detail.share_link) return `Someone with the share link${quoted(entry.detail.share_link_label)}`;
  return 'The system';
}

/** What happened, as the end of a sentence that starts with `who(entry)`. */
export function what(entry: AuditEntry): string {
  const d = entry.detail;
  const subject = entry.subject;
  const format = FORMATS[text(d.format)] ?? text(d.format).toUpperCase();
  switch (entry.action) {
    case 'member.added':
      return d.invitation
        ? `joined the workspace as ${text(d.role)}`
        : `added ${subject} to the workspace as ${text(d.role)}`;
    case 'member.removed':
      return `removed ${subject} from the workspace`;
    case 'member.left':
      return 'left the workspace';
    case 'member.role_changed':
      return `changed ${subject}’s role from ${text(d.from)} to ${text(d.to)}`;
    case 'invitation.created':
      return `invited someone as ${text(d.role)}${quoted(d.label || d.email)}`;
    case 'invitation.revoked':
      return `revoked the invitation${quoted(d.label || d.email)}`;
    case 'invitation.accepted':
      return `accepted the invitation${quoted(d.label || d.email)}`;
    case 'share_link.created':
      return `created a share link${quoted(d.label)} to ${subject}`;
    case 'share_link.revoked':
      return `revoked the share link${quoted(d.label)} to ${subject}`;
    case 'map.exported':
      return `exported ${subject} as ${format}`;
    case 'persona.exported':
      return `exported the persona ${subject} as ${format || 'PDF'}`;
    case 'features.exported':
      return `exported the feature priorities as ${format || 'CSV'}`;
    case 'segment.exported':
      return `downloaded the members of the segment ${subject} as ${format || 'CSV'}`;
    case 'customer.exported':
      return `exported everything held about customer ${subject}`;
    case 'customer.erased':
      return `erased customer ${subject} everywhere`;
    case 'events.imported':
      return `imported ${count(d.rows, 'event', 'events')} into ${subject}`;
    case 'customers.imported': {
      const parts = [count(d.created, 'new customer', 'new customers'), `${count(d.updated, 'update', 'updates')}`];
      if (Number(d.purchases ?? 0) > 0) parts.push(count(d.purchases, 'purchase', 'purchases'));
      return `imported customer data (${parts.join(', ')})`;
    }
    case 'map.trashed':
      return `moved the map ${subject} to the trash`;
    case 'map.restored':
      return `restored the map ${subject} from the trash`;
    case 'map.purged':
      return `deleted the map ${subject} for good`;
    case 'persona.trashed':
      return `moved the persona ${subject} to the trash`;
    case 'persona.restored':
      return `restored the persona ${subject} from the trash`;
    case 'persona.purged':
      return `deleted the persona ${subject} for good`;
    case 'workspace.created':
      return `created the workspace ${subject}`;
    case 'workspace.renamed':
      return `renamed the workspace from ${text(d.from)} to ${text(d.to)}`;
    default:
      // An action this page does not know yet still reads as something.
      return subject ? `${entry.action.replace(/[._]/g, ' ')}: ${subject}` : entry.action.replace(/[._]/g, ' ');
  }
}

/** A detail worth a second line: the file imported, when a share link expires. */
export function note(entry: AuditEntry): string {
  const d = entry.detail;
  if (entry.action === 'events.imported' && text(d.file)) return `from ${text(d.file)}`;
  if (entry.action === 'share_link.created' && text(d.expires_at)) {
    return `expires ${new Date(text(d.expires_at)).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })}`;
  }
  return '';
}

export function describe(entry: AuditEntry): string {
  return `${who(entry)} ${what(entry)}`;
}
