import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import type { Config } from '../config.js';
import { decrypt, encrypt } from '../ledger/signing.js';
import { recordChange } from '../ledger/record.js';
import { evidenceResource, todayUtc } from '../model/evidence.js';
import { cleanFileName, contentMismatch, EVIDENCE_FILE_TYPES, evidenceFileType, extensionOf } from '../model/evidence-file.js';
import { allResources, getResource } from '../store/resource-store.js';
import type { MasterKeySource } from './ledger.js';
import { asActor } from './resources.js';

type Trx = Transaction<any>;

/**
 * Evidence files: sealed with AES-256-GCM under the organization's evidence key (itself sealed under the server's
 * master key, like the ledger signing keys), stored under `<data dir>/evidence/<org id>/<random name>`. The row
 * keeps the plaintext's SHA-256, size, type, original name, the nonce and the tag; the ciphertext is bound to its
 * organization, evidence and file name (GCM additional data), so a file moved onto another row does not open.
 */
export interface EvidenceFiles {
  dir: string;
  maxBytes: number;
  masterKey: MasterKeySource;
}

export function evidenceFiles(config: Pick<Config, 'dataDir' | 'evidenceMaxBytes'>, masterKey: MasterKeySource): EvidenceFiles {
  return { dir: join(config.dataDir, 'evidence'), maxBytes: config.evidenceMaxBytes, masterKey };
}

/** An upload as it arrives: the declared type and name, and the body still unread. */
export interface Upload {
  contentType: string | undefined;
  name: string | undefined;
  declaredLength: number | undefined;
  body: Readable | Buffer | string | undefined;
}

const orgDir = (files: EvidenceFiles, orgId: string) => join(files.dir, orgId);
const aad = (orgId: string, evidenceId: string, storageName: string) => Buffer.from(`tenantproof-evidence/v1\n${orgId}\n${evidenceId}\n${storageName}\n`, 'utf8');

/** The organization's evidence key, made on first use (two first uploads at once: one key wins, both use it). */
async function evidenceKey(trx: Trx, orgId: string, masterKey: Buffer): Promise<{ keyId: string; key: Buffer }> {
  const read = () => trx.selectFrom('org_evidence_keys').select(['key_id', 'key_encrypted']).where('org_id', '=', orgId).executeTakeFirst();
  let row = await read();
  if (!row) {
    await sql`INSERT INTO org_evidence_keys (org_id, key_id, key_encrypted) VALUES (${orgId}, ${randomUUID()}, ${encrypt(masterKey, randomBytes(32))}) ON CONFLICT DO NOTHING`.execute(trx);
    row = await read();
  }
  return { keyId: row!.key_id as string, key: decrypt(masterKey, Buffer.from(row!.key_encrypted)) };
}

/**
 * Read at most `limit` bytes of the body; more is `body_too_large` after reading at most one chunk past the limit.
 * The stream is paused, not destroyed (destroying a request would take the socket and the 413 with it), and the
 * answer closes the connection, so the rest of the body is never read.
 */
function tooLarge(limit: number): AppError {
  return new AppError('body_too_large', `The file is larger than the limit of ${limit} bytes (TENANTPROOF_EVIDENCE_MAX_BYTES).`, 'file', { connection: 'close' });
}

async function readLimited(body: Upload['body'], limit: number): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const buf = Buffer.from(body);
    if (buf.length > limit) throw tooLarge(limit);
    return buf;
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: unknown, value?: Buffer) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      if (error) {
        body.pause();
        reject(error);
      } else {
        resolve(value!);
      }
    };
    const onData = (chunk: Buffer | string) => {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += buf.length;
      if (size > limit) settle(tooLarge(limit));
      else chunks.push(buf);
    };
    const onEnd = () => settle(null, Buffer.concat(chunks, size));
    const onError = (error: unknown) => settle(error);
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
  });
}

/** Remove from disk the files whose evidence was deleted or replaced (queued by the database in that transaction). */
export async function sweepEvidenceFiles(db: Kysely<any>, actor: Actor, files: EvidenceFiles): Promise<number> {
  const queued = await asActor(db, actor, (trx) =>
    trx.selectFrom('evidence_file_deletions').select('storage_name').where('org_id', '=', actor.orgId).execute());
  let removed = 0;
  for (const { storage_name: name } of queued) {
    await unlink(join(orgDir(files, actor.orgId), name as string)).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'ENOENT') throw error; });
    await asActor(db, actor, (trx) => trx.deleteFrom('evidence_file_deletions').where('storage_name', '=', name).execute());
    removed++;
  }
  return removed;
}

/** Store a file as the evidence's content: type and magic bytes checked, size limited, sealed, recorded. */
export async function uploadEvidenceFile(db: Kysely<any>, actor: Actor, files: EvidenceFiles, id: string, upload: Upload): Promise<Record<string, unknown>> {
  authorize(actor, 'update', 'evidence');
  const current = await asActor(db, actor, (trx) => getResource(trx, evidenceResource, id));
  if (!current) throw new AppError('not_found', 'Evidence not found.');
  if (current.kind !== 'file') throw new AppError('invalid_value', 'This evidence is a link; only file evidence holds a file.', 'kind');
  const type = evidenceFileType(upload.contentType);
  if (!type) {
    const allowed = EVIDENCE_FILE_TYPES.map((t) => t.extensions[0]).join(', ');
    throw new AppError('unsupported_media_type', `Evidence files may be ${allowed}; ${upload.contentType ? `not ${upload.contentType.split(';')[0]}` : 'send the file\u2019s Content-Type'}.`, 'Content-Type');
  }
  if (upload.declaredLength !== undefined && upload.declaredLength > files.maxBytes) throw tooLarge(files.maxBytes);
  const name = cleanFileName(upload.name, `evidence.${type.extensions[0]}`);
  const extension = extensionOf(name);
  if (extension && !type.extensions.includes(extension)) {
    throw new AppError('invalid_value', `The file name ends in .${extension} but the file is declared ${type.type} (.${type.extensions.join(', .')}).`, 'name');
  }
  const plain = await readLimited(upload.body, files.maxBytes);
  if (plain.length === 0) throw new AppError('invalid_value', 'The file is empty.', 'file');
  const mismatch = contentMismatch(type, plain);
  if (mismatch) throw new AppError('invalid_value', mismatch, 'file');
  const sha256 = createHash('sha256').update(plain).digest('hex');
  const masterKey = await files.masterKey();
  const storageName = randomBytes(16).toString('hex');
  const dir = orgDir(files, actor.orgId);
  const path = join(dir, storageName);
  let written = false;
  try {
    const updated = await asActor(db, actor, async (trx) => {
      const row = await getResource(trx, evidenceResource, id);
      if (!row) throw new AppError('not_found', 'Evidence not found.');
      const { keyId, key } = await evidenceKey(trx, actor.orgId, masterKey);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(actor.orgId, id, storageName));
      const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
      const tag = cipher.getAuthTag();
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(`${path}.part`, sealed, { mode: 0o600, flag: 'wx' });
      await rename(`${path}.part`, path);
      written = true;
      await trx.updateTable('evidence').set({
        file_storage_name: storageName, file_name: name, file_type: type.type, file_size: plain.length, file_sha256: sha256,
        file_iv: iv, file_tag: tag, file_key_id: keyId, file_uploaded_at: sql`now()`, updated_at: sql`now()`,
      }).where('id', '=', id).execute();
      const after = (await getResource(trx, evidenceResource, id))!;
      await recordChange(trx, actor, {
        action: 'update', objectType: evidenceResource.objectType, objectId: id, objectSlug: row.slug as string,
        tenantId: (row.tenantId as string | null) ?? null,
        summary: `Uploaded file ${name} (${plain.length} bytes, sha256 ${sha256})`, before: row, after,
      });
      return after;
    });
    await sweepEvidenceFiles(db, actor, files).catch(() => undefined);
    return updated;
  } catch (error) {
    if (written) await unlink(path).catch(() => undefined);
    await unlink(`${path}.part`).catch(() => undefined);
    throw error;
  }
}

/** A stored file, opened: the GCM tag must verify, or nothing is returned. */
export async function readEvidenceFile(db: Kysely<any>, actor: Actor, files: EvidenceFiles, id: string): Promise<{ name: string; type: string; sha256: string; bytes: Buffer }> {
  authorize(actor, 'read', 'evidence');
  const row = await asActor(db, actor, (trx) => trx.selectFrom('evidence')
    .select(['file_storage_name', 'file_name', 'file_type', 'file_sha256', 'file_iv', 'file_tag', 'file_key_id'])
    .where('id', '=', id).executeTakeFirst());
  if (!row) throw new AppError('not_found', 'Evidence not found.');
  if (!row.file_storage_name) throw new AppError('not_found', 'This evidence has no file.');
  const masterKey = await files.masterKey();
  const keyRow = await asActor(db, actor, (trx) => trx.selectFrom('org_evidence_keys').select('key_encrypted')
    .where('org_id', '=', actor.orgId).where('key_id', '=', row.file_key_id).executeTakeFirst());
  const tampered = (why: string) => new AppError('evidence_integrity_failed', `The stored file of this evidence does not verify (${why}); it is not served. Restore it from a backup.`, 'file');
  if (!keyRow) throw tampered('its key is missing');
  let sealed: Buffer;
  try {
    sealed = await readFile(join(orgDir(files, actor.orgId), row.file_storage_name as string));
  } catch {
    throw tampered('the file is missing');
  }
  let bytes: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', decrypt(masterKey, Buffer.from(keyRow.key_encrypted)), Buffer.from(row.file_iv));
    decipher.setAAD(aad(actor.orgId, id, row.file_storage_name as string));
    decipher.setAuthTag(Buffer.from(row.file_tag));
    bytes = Buffer.concat([decipher.update(sealed), decipher.final()]);
  } catch {
    throw tampered('the authentication tag fails');
  }
  if (createHash('sha256').update(bytes).digest('hex') !== row.file_sha256) throw tampered('its SHA-256 differs');
  return { name: row.file_name as string, type: row.file_type as string, sha256: row.file_sha256 as string, bytes };
}

/** Evidence past its freshness period today (UTC), oldest first. */
export async function staleEvidence(db: Kysely<any>, actor: Actor, today: string = todayUtc()): Promise<{ items: Record<string, unknown>[]; total: number }> {
  authorize(actor, 'read', 'evidence');
  const all = await asActor(db, actor, (trx) => allResources(trx, evidenceResource));
  const items = all.filter((e) => (e.currentUntil as string) < today)
    .sort((a, b) => String(a.currentUntil).localeCompare(String(b.currentUntil)) || String(a.slug).localeCompare(String(b.slug)));
  return { items, total: items.length };
}
