/** fetch for the Journeymap API: session cookie + CSRF header, one error type. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown = null,
  ) {
    super(message);
  }
}

/** The CSRF token Django set in its cookie, for requests built by hand (uploads). */
export function csrfToken(): string | null {
  return cookie('csrftoken');
}

function cookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  share?: string;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRFToken'] = cookie('csrftoken') ?? '';
  if (options.share) headers.Authorization = `Share ${options.share}`;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!response.ok) {
    const body = (data ?? {}) as { code?: string; detail?: string; errors?: unknown };
    throw new ApiError(response.status, body.code ?? 'error', describe(body) || response.statusText, data);
  }
  return data as T;
}

/** A readable sentence from the API's error shape ({code, detail, errors?}). */
function describe(body: { detail?: string; errors?: unknown }): string {
  const errors = body.errors;
  if (errors && typeof errors === 'object') {
    const parts: string[] = [];
    for (const [field, value] of Object.entries(errors as Record<string, unknown>)) {
      const text = Array.isArray(value) ? value.join(' ') : String(value);
      parts.push(field === 'non_field_errors' ? text : `${field}: ${text}`);
    }
    if (parts.length) return parts.join('; ');
  }
  return body.detail ?? '';
}

/** List endpoints are paginated ({results}); accept a bare array too. */
export function listOf<T>(data: T[] | { results: T[] }): T[] {
  return Array.isArray(data) ? data : data.results;
}

export async function fetchList<T>(path: string): Promise<T[]> {
  const sep = path.includes('?') ? '&' : '?';
  return listOf(await api<T[] | { results: T[] }>(`${path}${sep}page_size=500`));
}
