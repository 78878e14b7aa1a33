/**
 * The kinds of file accepted as evidence, and the check that a file is what it claims to be: its declared media
 * type must be allowed AND its first bytes must match that type. Pure (no I/O): the server and tests share it.
 */
export interface EvidenceFileType {
  /** Canonical media type, stored and served. */
  type: string;
  /** Other media types clients send for the same format. */
  aliases: readonly string[];
  extensions: readonly string[];
  label: string;
}

export const EVIDENCE_FILE_TYPES: readonly EvidenceFileType[] = [
  { type: 'application/pdf', aliases: [], extensions: ['pdf'], label: 'PDF' },
  { type: 'image/png', aliases: [], extensions: ['png'], label: 'PNG image' },
  { type: 'image/jpeg', aliases: ['image/jpg'], extensions: ['jpg', 'jpeg'], label: 'JPEG image' },
  { type: 'text/plain', aliases: [], extensions: ['txt', 'log', 'md'], label: 'text' },
  { type: 'text/csv', aliases: ['application/csv'], extensions: ['csv'], label: 'CSV' },
  { type: 'application/json', aliases: [], extensions: ['json'], label: 'JSON' },
  { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', aliases: [], extensions: ['xlsx'], label: 'XLSX workbook' },
  { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', aliases: [], extensions: ['docx'], label: 'DOCX document' },
  { type: 'application/zip', aliases: ['application/x-zip-compressed'], extensions: ['zip'], label: 'ZIP archive' },
];

/** The accepted file type a Content-Type header names (parameters such as charset ignored), if any. */
export function evidenceFileType(contentType: string | undefined): EvidenceFileType | undefined {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!base) return undefined;
  return EVIDENCE_FILE_TYPES.find((t) => t.type === base || t.aliases.includes(base));
}

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];

/** What the bytes look like, by their magic number (for the error message and the check). */
export function sniff(bytes: Uint8Array): string {
  if (startsWith(bytes, PDF)) return 'PDF';
  if (startsWith(bytes, PNG)) return 'PNG image';
  if (startsWith(bytes, JPEG)) return 'JPEG image';
  if (startsWith(bytes, ZIP) || startsWith(bytes, ZIP_EMPTY)) return 'ZIP archive';
  if (bytes.length >= 2 && ((bytes[0] === 0x4d && bytes[1] === 0x5a) || (bytes[0] === 0x7f && bytes[1] === 0x45))) return 'executable';
  return textOf(bytes) === null ? 'binary data' : 'text';
}

/** The bytes as UTF-8 text, or null when they are not (invalid UTF-8 or a NUL byte). */
function textOf(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** A ZIP whose entries include a name starting with `prefix` (OOXML parts: `xl/`, `word/`). */
function zipHasEntry(bytes: Uint8Array, prefix: string): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Local file headers: signature, then the name at offset 30 with its length at offset 26.
  let at = 0;
  for (let n = 0; n < 10_000 && at >= 0 && at + 30 <= buf.length; n++) {
    at = buf.indexOf(Buffer.from(ZIP), at);
    if (at < 0 || at + 30 > buf.length) break;
    const nameLength = buf.readUInt16LE(at + 26);
    const name = buf.subarray(at + 30, at + 30 + nameLength).toString('latin1');
    if (name.startsWith(prefix)) return true;
    at += 4;
  }
  return false;
}

/**
 * Why `bytes` are not a file of `type`, or null when they are. Text formats must be UTF-8 without NUL bytes
 * (and JSON must parse); binary formats must start with their magic number; XLSX and DOCX must be ZIP archives
 * holding their workbook or document part.
 */
export function contentMismatch(type: EvidenceFileType, bytes: Uint8Array): string | null {
  const looks = sniff(bytes);
  const wrong = () => `The file is declared ${type.type} but its content looks like ${looks === 'text' ? 'text' : `a ${looks}`}.`;
  switch (type.type) {
    case 'application/pdf': return looks === 'PDF' ? null : wrong();
    case 'image/png': return looks === 'PNG image' ? null : wrong();
    case 'image/jpeg': return looks === 'JPEG image' ? null : wrong();
    case 'application/zip': return looks === 'ZIP archive' ? null : wrong();
    case 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet':
      return looks === 'ZIP archive' && zipHasEntry(bytes, 'xl/') ? null : looks === 'ZIP archive' ? 'The file is a ZIP archive but not an XLSX workbook (no xl/ part).' : wrong();
    case 'application/vnd.openxmlformats-officedocument.wordprocessingml.document':
      return looks === 'ZIP archive' && zipHasEntry(bytes, 'word/') ? null : looks === 'ZIP archive' ? 'The file is a ZIP archive but not a DOCX document (no word/ part).' : wrong();
    default: {
      if (looks !== 'text') return wrong();
      if (type.type === 'application/json') {
        try {
          JSON.parse(textOf(bytes)!);
        } catch {
          return 'The file is declared application/json but is not valid JSON.';
        }
      }
      return null;
    }
  }
}

/**
 * A file name safe to store and to send back in Content-Disposition: the last path segment, without control
 * characters, at most 200 characters; `fallback` when nothing is left.
 */
export function cleanFileName(raw: string | undefined, fallback: string): string {
  const last = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = last.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return clean && clean !== '.' && clean !== '..' ? clean : fallback;
}

/** The extension of a file name, lower-case, without the dot ('' when none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987). */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
