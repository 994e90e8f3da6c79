/** Customer profiles: the list, the CSV import (with upload and server progress), and a
 * customer's data rights (export everything held, erase everywhere). */

import { api, ApiError, csrfToken } from './http';

export interface ValueFigure {
  value: number | null;
  source: 'imported' | 'computed' | 'none';
}

export interface Customer {
  id: string;
  workspace: string;
  external_id: string;
  email: string;
  first_name: string;
  last_name: string;
  name: string;
  gender: string;
  birth_date: string | null;
  age: number | null;
  city: string;
  country: string;
  income: string | null;
  signup_date: string | null;
  values: Record<'lifetime_value' | 'acquisition_cost' | 'churn_risk' | 'upsell_potential', ValueFigure>;
  attributes: Record<string, unknown>;
  created_at: string;
}

export interface CustomerPage {
  count: number;
  next: string | null;
  previous: string | null;
  results: Customer[];
}

export interface ImportResult {
  created: number;
  updated: number;
  merged_by_email: number;
  repeated_rows: number;
  purchases: number;
  duplicate_purchases: number;
}

export interface ImportProblem {
  file?: 'customers' | 'purchases';
  line: number;
  column: string | null;
  message: string;
}

export interface ImportProgress {
  /** uploading: bytes sent by the browser; customers/purchases: rows read by the server. */
  phase: 'uploading' | 'customers' | 'purchases';
  fraction: number | null;
  rows: number;
}

export class ImportRefused extends Error {
  constructor(
    message: string,
    readonly problems: ImportProblem[],
  ) {
    super(message);
  }
}

export function customersPath(workspace: string, page: number, search: string): string {
  const params = new URLSearchParams({ workspace, page: String(page), ordering: 'external_id' });
  if (search.trim()) params.set('search', search.trim());
  return `/api/customers/?${params}`;
}

const POLL_MS = 500;

function progressToken(): string {
  return `imp-${Math.random().toString(36).slice(2, 12)}${Date.now().toString(36)}`;
}

/**
 * POST the files as multipart with XMLHttpRequest (fetch reports no upload progress), and,
 * once the bytes are sent, poll the server's progress for the rows it has read.
 */
export function uploadCustomerData(
  workspace: string,
  files: { customers?: File | null; purchases?: File | null },
  onProgress: (progress: ImportProgress) => void,
): Promise<ImportResult> {
  const token = progressToken();
  const form = new FormData();
  form.append('workspace', workspace);
  form.append('progress', token);
  if (files.customers) form.append('customers', files.customers);
  if (files.purchases) form.append('purchases', files.purchases);
  let polling: ReturnType<typeof setInterval> | null = null;
  const stopPolling = () => {
    if (polling !== null) clearInterval(polling);
    polling = null;
  };
  const startPolling = () => {
    if (polling !== null) return;
    polling = setInterval(() => {
      api<ImportProgress>(`/api/customers/import/progress/?token=${token}`)
        .then(onProgress)
        .catch(() => undefined); // not started yet, or already finished
    }, POLL_MS);
  };
  return new Promise<ImportResult>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/customers/import/');
    request.setRequestHeader('X-CSRFToken', csrfToken() ?? '');
    request.setRequestHeader('Accept', 'application/json');
    request.upload.onprogress = (event) => {
      onProgress({ phase: 'uploading', fraction: event.lengthComputable ? event.loaded / event.total : null, rows: 0 });
    };
    request.upload.onload = startPolling;
    request.onerror = () => {
      stopPolling();
      reject(new ApiError(0, 'network', 'The upload failed: check the connection and try again.'));
    };
    request.onload = () => {
      stopPolling();
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = null;
      }
      if (request.status === 200) {
        resolve(body as ImportResult);
        return;
      }
      const data = (body ?? {}) as { detail?: string; errors?: unknown };
      if (Array.isArray(data.errors)) {
        reject(new ImportRefused(data.detail ?? 'The file was refused', data.errors as ImportProblem[]));
        return;
      }
      const fields = data.errors && typeof data.errors === 'object' ? Object.values(data.errors as Record<string, string[]>).flat() : [];
      reject(new ApiError(request.status, 'invalid', fields.join(' ') || data.detail || `The import failed (${request.status})`));
    };
    request.send(form);
  });
}

export function eraseCustomer(id: string): Promise<{ purchases: number; events: number }> {
  return api(`/api/customers/${id}/erase/`, { method: 'POST' });
}

/** The JSON of everything held about one customer, saved as a file. */
export async function downloadCustomerData(customer: Customer): Promise<void> {
  const data = await api<unknown>(`/api/customers/${customer.id}/export/`);
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `customer-${customer.external_id}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** "1,240.50" or "—"; `source` says whether the figure was imported or computed. */
export function money(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return '—';
  // Whole amounts without cents ("1,000"), the rest with both digits ("55.20").
  const cents = Number.isInteger(n) ? 0 : 2;
  return n.toLocaleString(undefined, { minimumFractionDigits: cents, maximumFractionDigits: 2 });
}

export function share(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 100)}%`;
}
