/** The workspace's audit log (`GET /api/audit/`, owners only) and its CSV download. */

export interface AuditEntry {
  id: string;
  created_at: string;
  /** `id` is null once the account is gone; `name` is kept (empty for a share link). */
  actor: { id: number | null; name: string };
  action: string;
  subject: string;
  detail: Record<string, unknown>;
  address: string | null;
}

export interface AuditPage {
  count: number;
  next: string | null;
  previous: string | null;
  results: AuditEntry[];
}

export interface AuditFilters {
  /** Comma-separated action names; one ending in "." is a prefix. */
  action?: string;
  actor?: string;
  /** ISO dates (yyyy-mm-dd); `until` includes its day. */
  since?: string;
  until?: string;
}

function query(workspace: string, filters: AuditFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ workspace });
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

export function auditPath(workspace: string, filters: AuditFilters, page: number): string {
  return `/api/audit/?${query(workspace, filters, page > 1 ? { page: String(page) } : {})}`;
}

/** The same entries, same filters, as a CSV file (formulas neutralised by the server). */
export function auditCsvPath(workspace: string, filters: AuditFilters): string {
  return `/api/audit/export.csv?${query(workspace, filters)}`;
}
