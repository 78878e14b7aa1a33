import { ApiError, csrfHeaders } from './client';

/** Evidence as the API serves it (the fields the evidence pages read). */
export interface Evidence {
  id: string;
  slug: string;
  name: string;
  kind: 'file' | 'link';
  url: string | null;
  collectedOn: string;
  freshnessDays: number;
  tenantId: string | null;
  fileName: string | null;
  fileType: string | null;
  fileSize: number | null;
  fileSha256: string | null;
  fileUploadedAt: string | null;
  currentUntil: string;
  stale: boolean;
  staleSince: string | null;
}

/** A control exception as the API serves it. */
export interface ControlException {
  id: string;
  slug: string;
  name: string;
  controlId: string;
  systemId: string | null;
  serviceId: string | null;
  tenantId: string | null;
  tier: string | null;
  status: 'proposed' | 'approved' | 'rejected' | 'expired';
  expiresOn: string;
  reviewOn: string;
  owner: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string;
  reviewOverdue: boolean;
  overdue: boolean;
}

/** Accepted evidence files, by extension (the server checks the type and the first bytes again). */
export const EVIDENCE_ACCEPT = '.pdf,.png,.jpg,.jpeg,.txt,.log,.md,.csv,.json,.xlsx,.docx,.zip';

const TYPE_BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', txt: 'text/plain', log: 'text/plain', md: 'text/plain',
  csv: 'text/csv', json: 'application/json', zip: 'application/zip',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** Upload a file as the evidence's content: the raw file as the body, its type as Content-Type (no multipart). */
export async function uploadEvidenceFile(id: string, file: File): Promise<Evidence> {
  const extension = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
  const type = file.type || TYPE_BY_EXTENSION[extension] || 'application/octet-stream';
  const res = await fetch(`/api/evidence/${id}/file?name=${encodeURIComponent(file.name)}`, {
    method: 'PUT', credentials: 'same-origin', body: file, headers: { accept: 'application/json', 'content-type': type, ...csrfHeaders() },
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data?.error ?? 'http_error', data?.message ?? `${res.status} ${res.statusText}`, data?.field);
  return data as Evidence;
}

/** A byte count for people: 1.2 MB. */
export function sizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
