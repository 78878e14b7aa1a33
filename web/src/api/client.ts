/** A failed API call: the stable code, the message for people, and the field at fault (if one). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly problems?: Array<{ line: number; column: number; field: string; message: string }>,
  ) {
    super(message);
  }

  /** The path of the field at fault as segments: `contacts.0.email` (or `/contacts/0/email`) → ['contacts', '0', 'email']. */
  get fieldPath(): string[] {
    return (this.field ?? '').split(/[./]/).filter(Boolean);
  }
}

/** The message to show beside a form field, when the error is about that field (or something inside it). */
export function errorFor(error: unknown, ...path: string[]): string | undefined {
  if (!(error instanceof ApiError) || !error.field) return undefined;
  const at = error.fieldPath;
  return path.every((p, i) => at[i] === p) ? error.message : undefined;
}

let csrfToken: string | null = null;

/** The session's CSRF token, sent on every write (the server refuses cookie-authenticated writes without it). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The CSRF header for a write sent without `api()` (a raw file upload). */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Call the API with the session cookie; JSON in and out; errors become ApiError. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: any = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!res.ok) {
    throw new ApiError(res.status, data?.error ?? 'http_error', data?.message ?? `${res.status} ${res.statusText}`, data?.field, data?.problems);
  }
  return data as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', withQuery(path, query));
