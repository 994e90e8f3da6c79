/** Exports (PDF, PNG, CSV, persona sheets) and share links: downloads through fetch, so a
 * refusal can be shown where it was asked for, and the share-link list of a map. */

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, fetchList } from './http';

export const EXPORT_SECTIONS = [
  { id: 'cover', label: 'Cover and contents' },
  { id: 'personas', label: 'Personas' },
  { id: 'map', label: 'Journey map' },
  { id: 'emotions', label: 'Emotion curve' },
  { id: 'friction', label: 'Friction heatmap' },
  { id: 'analysis', label: 'Analysis summary' },
  { id: 'content', label: 'Content by channel' },
  { id: 'features', label: 'Features by persona' },
] as const;

export type ExportSection = (typeof EXPORT_SECTIONS)[number]['id'];
export type Paper = 'a4' | 'a3';
export type MapExportFormat = 'pdf' | 'png' | 'csv';

export interface MapExportOptions {
  paper?: Paper;
  /** Omitted: the map's own personas. */
  personas?: string[];
  /** Omitted: every section. */
  sections?: ExportSection[];
}

/** `GET /api/maps/<id>/export.<fmt>` with its query string (only what differs from the default). */
export function mapExportPath(mapId: string, fmt: MapExportFormat, options: MapExportOptions = {}): string {
  const params = new URLSearchParams();
  if (fmt !== 'csv') {
    if (options.paper && options.paper !== 'a4') params.set('paper', options.paper);
    if (options.personas?.length) params.set('personas', options.personas.join(','));
  }
  if (fmt === 'pdf' && options.sections && options.sections.length < EXPORT_SECTIONS.length) {
    params.set('sections', options.sections.join(','));
  }
  const query = params.toString();
  return `/api/maps/${encodeURIComponent(mapId)}/export.${fmt}${query ? `?${query}` : ''}`;
}

export function personaSheetPath(personaId: string, paper: Paper = 'a4'): string {
  return `/api/personas/${encodeURIComponent(personaId)}/sheet.pdf${paper === 'a4' ? '' : `?paper=${paper}`}`;
}

/** A file name from a title, close to the server's (Django's slugify). */
export function exportFilename(title: string, ext: string, fallback = 'journey-map'): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/[-\s_]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || fallback}.${ext}`;
}

/** What to tell a person when the server refused an export. */
export function exportErrorMessage(status: number, code: string, detail: string): string {
  if (status === 413 || code === 'export_too_large') {
    return `This map is too large to export.${detail ? ` ${detail}` : ''}`;
  }
  if (code === 'export_time') return 'The export took too long and was stopped. Try fewer sections or personas.';
  if (code === 'export_memory') return 'The export needed too much memory and was stopped. Try fewer sections or personas.';
  if (status === 422) return `The export could not be finished.${detail ? ` ${detail}` : ''}`;
  if (status === 429 || code === 'export_busy') return 'The server is busy with other exports. Try again in a minute.';
  if (status === 401) return 'Sign in again to export.';
  if (status === 404) return 'This map or persona is no longer available.';
  return detail || `The export failed (HTTP ${status}).`;
}

/** Fetch an export as a Blob; throws ApiError with a readable message when refused. */
export async function fetchExport(path: string, options: { share?: string; signal?: AbortSignal } = {}): Promise<Blob> {
  const headers: Record<string, string> = { Accept: '*/*' };
  if (options.share) headers.Authorization = `Share ${options.share}`;
  let response: Response;
  try {
    response = await fetch(path, { headers, credentials: 'same-origin', signal: options.signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'The server could not be reached. Check the connection and try again.');
  }
  if (!response.ok) {
    let code = 'error';
    let detail = '';
    try {
      const body = (await response.json()) as { code?: string; detail?: string };
      code = body.code ?? code;
      detail = body.detail ?? '';
    } catch {
      // Not the API's JSON shape (a proxy's page, say): the status says enough.
    }
    throw new ApiError(response.status, code, exportErrorMessage(response.status, code, detail));
  }
  return response.blob();
}

/** Hand a Blob to the browser as a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export async function downloadExport(path: string, filename: string, options: { share?: string; signal?: AbortSignal } = {}): Promise<void> {
  saveBlob(await fetchExport(path, options), filename);
}

// ---- share links --------------------------------------------------------------------------

/** `/api/share-links/` rows; `token` and `url` only in the answer to the create. */
export interface ShareLink {
  id: string;
  map: string;
  label: string;
  expires_at: string | null;
  revoked_at: string | null;
  is_active: boolean;
  created_at: string;
  url: string | null;
  token?: string;
}

export const SHARE_LINK_DEFAULT_DAYS = 30;
export const SHARE_LINK_MAX_DAYS = 365;

export type ShareLinkStatus = 'active' | 'revoked' | 'expired';

export function shareLinkStatus(link: ShareLink, now: Date = new Date()): ShareLinkStatus {
  if (link.revoked_at) return 'revoked';
  if (!link.is_active || (link.expires_at && new Date(link.expires_at) <= now)) return 'expired';
  return 'active';
}

/** `YYYY-MM-DD` of a local date, for `<input type="date">`. */
export function dateInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function daysFromToday(days: number, now: Date = new Date()): Date {
  const date = new Date(now);
  date.setDate(date.getDate() + days);
  return date;
}

/** The expiry a date input stands for: that day at the current time of day, so the last
 * allowed day is exactly the maximum ahead. null for an empty or malformed value. */
export function expiryFromDateInput(value: string, now: Date = new Date()): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const date = new Date(now);
  date.setFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date;
}

export function shareUrl(token: string): string {
  return `${window.location.origin}/share/${encodeURIComponent(token)}/`;
}

const shareLinksKey = (mapId: string) => ['share-links', mapId];

export function useShareLinks(mapId: string) {
  return useQuery({
    queryKey: shareLinksKey(mapId),
    queryFn: () => fetchList<ShareLink>(`/api/share-links/?map=${encodeURIComponent(mapId)}&ordering=-created_at`),
  });
}

export function useCreateShareLink(mapId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { label: string; expires_at: string | null }) =>
      api<ShareLink>('/api/share-links/', { method: 'POST', body: { map: mapId, ...input } }),
    onSuccess: () => client.invalidateQueries({ queryKey: shareLinksKey(mapId) }),
  });
}

export function useRevokeShareLink(mapId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/share-links/${encodeURIComponent(id)}/`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: shareLinksKey(mapId) }),
  });
}
