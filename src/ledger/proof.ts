import { canonicalJson } from './canonical-json.js';
import { EMPTY_ROOT, leafHash, verifyConsistency, verifyInclusion } from './merkle.js';
import { checkpointMessage, verifySignature } from './signing.js';

/**
 * Checking the ledger's proofs from exported JSON alone: what a customer, an auditor or anyone else runs
 * with the org's public key and nothing from the server's database. Pure (Node's crypto only, no I/O), so
 * it serves the CLI (`tenantproof verify-proof`), the tests and anyone who copies this file.
 *
 * @example
 * const bundle = await (await fetch(`${base}/api/ledger/entries/42`, { headers })).json();
 * const keys = await (await fetch(`${base}/api/ledger/public-keys`, { headers })).json();
 * verifyEntryProof({ ...bundle, publicKeys: keys.items }); // { ok: true, problems: [], expired: false }
 */

/** A signed tree head as the API serves it (and as a customer keeps it). */
export interface CheckpointJson {
  orgId: string;
  treeSize: number;
  /** Lower-case hex SHA-256 root. */
  rootHash: string;
  signedAt: string;
  keyId: string;
  /** Base64 Ed25519 signature over `checkpointMessage`. */
  signature: string;
}

/** One ledger entry as the API serves it: queryable fields plus the exact bytes its leaf commits to. */
export interface EntryJson {
  index: number;
  at: string;
  kind: string;
  action: string;
  objectType: string;
  objectId: string;
  actor: string;
  summary: string;
  tenantId: string | null;
  /** The canonical JSON the leaf hashes; null once retention removed it. */
  payload: string | null;
  /** Base64 salt appended to the payload in the leaf; null once retention removed it. */
  salt: string | null;
  /** Retention removed payload and salt; the leaf hash still stands in the tree. */
  expired: boolean;
}

/** A public key as GET /api/ledger/public-keys lists it. */
export interface PublicKeyJson {
  keyId: string;
  /** Raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
}

/** The org's public key(s), which the verifier should have from a source it trusts. */
export interface KeyMaterial {
  /** One raw Ed25519 public key, base64 (used whatever the checkpoint's keyId). */
  publicKey?: string;
  /** Keys by id (the public-keys route's `items`); the checkpoint's keyId picks one. */
  publicKeys?: PublicKeyJson[];
}

/** GET /api/ledger/entries/:index. */
export interface EntryProof {
  entry: EntryJson;
  /** Hex SHA-256(0x00 || payload || salt). */
  leafHash: string;
  checkpoint: CheckpointJson;
  /** Hex hashes from the leaf upwards (RFC 9162 inclusion proof of entry.index in checkpoint.treeSize). */
  inclusionProof: string[];
}

/** GET /api/ledger/consistency. */
export interface ConsistencyProof {
  from: CheckpointJson;
  to: CheckpointJson;
  /** Hex hashes of the RFC 9162 consistency proof from `from.treeSize` to `to.treeSize`. */
  consistencyProof: string[];
}

/** What went wrong, by the check that found it. */
export interface ProofProblem {
  check: 'format' | 'key' | 'signature' | 'payload' | 'leaf' | 'inclusion' | 'consistency';
  message: string;
}

export interface ProofVerdict {
  ok: boolean;
  problems: ProofProblem[];
}

const HEX_HASH = /^[0-9a-f]{64}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Decode strict base64 (no stray characters), or undefined. */
function base64(text: unknown): Buffer | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  return Buffer.from(text, 'base64');
}

/** Problems with the form of a checkpoint; none means every field can be used. */
function checkpointFormat(c: unknown, label: string): ProofProblem[] {
  if (!isObject(c)) return [{ check: 'format', message: `${label} is missing or not an object` }];
  const out: ProofProblem[] = [];
  if (typeof c.orgId !== 'string' || !c.orgId) out.push({ check: 'format', message: `${label}.orgId must be a string` });
  if (!isCount(c.treeSize)) out.push({ check: 'format', message: `${label}.treeSize must be a whole number >= 0` });
  if (typeof c.rootHash !== 'string' || !HEX_HASH.test(c.rootHash)) out.push({ check: 'format', message: `${label}.rootHash must be 64 lower-case hex digits` });
  if (typeof c.signedAt !== 'string' || !c.signedAt) out.push({ check: 'format', message: `${label}.signedAt must be a string` });
  if (typeof c.keyId !== 'string' || !c.keyId) out.push({ check: 'format', message: `${label}.keyId must be a string` });
  if (base64(c.signature)?.length !== 64) out.push({ check: 'format', message: `${label}.signature must be a base64 Ed25519 signature (64 bytes)` });
  return out;
}

function hashList(list: unknown, label: string, out: ProofProblem[]): Buffer[] | undefined {
  if (!Array.isArray(list) || !list.every((h) => typeof h === 'string' && HEX_HASH.test(h))) {
    out.push({ check: 'format', message: `${label} must be a list of 64-digit lower-case hex hashes` });
    return undefined;
  }
  return list.map((h: string) => Buffer.from(h, 'hex'));
}

/** The raw public key that should have signed `c`, or a problem saying why there is none. */
function keyFor(c: CheckpointJson, keys: KeyMaterial): Buffer | ProofProblem {
  if (Array.isArray(keys.publicKeys)) {
    const match = keys.publicKeys.find((k) => isObject(k) && k.keyId === c.keyId);
    if (match) {
      const raw = base64(match.publicKey);
      return raw?.length === 32 ? raw : { check: 'key', message: `public key ${c.keyId} is not a base64 Ed25519 key (32 bytes)` };
    }
    if (keys.publicKey === undefined) return { check: 'key', message: `no public key with id ${c.keyId} among the ${keys.publicKeys.length} given: the checkpoint was not signed by a key of this organization` };
  }
  if (keys.publicKey !== undefined) {
    const raw = base64(keys.publicKey);
    return raw?.length === 32 ? raw : { check: 'key', message: 'publicKey is not a base64 Ed25519 key (32 bytes)' };
  }
  return { check: 'key', message: 'no public key given: add the organization\'s publicKey (or publicKeys from GET /api/ledger/public-keys)' };
}

/** Is `c` signed by the org's key? Adds a problem when not. `c` must be well-formed. */
function checkSignature(c: CheckpointJson, keys: KeyMaterial, label: string, out: ProofProblem[]): void {
  const key = keyFor(c, keys);
  if (!Buffer.isBuffer(key)) { out.push(key); return; }
  if (!verifySignature(key, checkpointMessage(c), base64(c.signature)!)) {
    out.push({ check: 'signature', message: `the signature of the ${label} (size ${c.treeSize}, signed ${c.signedAt}) does not verify with key ${c.keyId}: it was forged or altered` });
  }
}

/** The entry fields that repeat, for querying, what the payload commits to: entry field → payload field. */
const PROJECTED: Array<[keyof EntryJson, string]> = [
  ['at', 'at'], ['kind', 'kind'], ['action', 'action'], ['objectType', 'objectType'], ['objectId', 'objectId'],
  ['actor', 'actor'], ['summary', 'summary'], ['tenantId', 'tenant'],
];

function sameValue(field: string, shown: unknown, committed: unknown): boolean {
  if (field === 'at' && typeof shown === 'string' && typeof committed === 'string') return Date.parse(shown) === Date.parse(committed);
  return shown === committed;
}

/**
 * Check one entry's proof from the entry route's JSON and the org's public key: the payload and salt give the
 * leaf hash, the payload names this org and this index and agrees with the entry's fields, the inclusion
 * proof leads from that leaf to the checkpoint's root, and the org's key signed the checkpoint.
 * An expired entry (retention removed its payload) proves only that its leaf hash is in the signed tree.
 */
export function verifyEntryProof(bundle: EntryProof & KeyMaterial): ProofVerdict & { expired: boolean } {
  const problems: ProofProblem[] = [];
  const done = (expired: boolean) => ({ ok: problems.length === 0, problems, expired });
  if (!isObject(bundle)) return { ok: false, problems: [{ check: 'format', message: 'the proof is not a JSON object' }], expired: false };
  const { entry, checkpoint } = bundle;
  problems.push(...checkpointFormat(checkpoint, 'checkpoint'));
  if (!isObject(entry)) problems.push({ check: 'format', message: 'entry is missing or not an object' });
  else if (!isCount(entry.index)) problems.push({ check: 'format', message: 'entry.index must be a whole number >= 0' });
  if (typeof bundle.leafHash !== 'string' || !HEX_HASH.test(bundle.leafHash)) problems.push({ check: 'format', message: 'leafHash must be 64 lower-case hex digits' });
  const path = hashList(bundle.inclusionProof, 'inclusionProof', problems);
  if (problems.length || !path) return done(false);

  checkSignature(checkpoint, bundle, 'checkpoint', problems);

  const leaf = Buffer.from(bundle.leafHash, 'hex');
  const expired = entry.payload === null && entry.salt === null;
  if (expired && entry.expired !== true) problems.push({ check: 'payload', message: `entry ${entry.index} has no payload but is not marked expired` });
  if (!expired) {
    const salt = base64(entry.salt);
    if (typeof entry.payload !== 'string') problems.push({ check: 'format', message: 'entry.payload must be a string (or null when expired)' });
    else if (!salt) problems.push({ check: 'format', message: 'entry.salt must be base64 (or null when expired)' });
    else {
      const recomputed = leafHash(Buffer.concat([Buffer.from(entry.payload, 'utf8'), salt]));
      if (!recomputed.equals(leaf)) {
        problems.push({ check: 'leaf', message: `the payload and salt of entry ${entry.index} give leaf hash ${recomputed.toString('hex')}, not ${bundle.leafHash}: the payload or salt was altered` });
      }
      problems.push(...payloadProblems(entry, entry.payload, checkpoint.orgId));
    }
  }

  if (!verifyInclusion({ index: entry.index, treeSize: checkpoint.treeSize, leafHash: leaf, root: Buffer.from(checkpoint.rootHash, 'hex'), proof: path })) {
    problems.push({
      check: 'inclusion',
      message: entry.index >= checkpoint.treeSize
        ? `entry ${entry.index} lies beyond the checkpoint's tree of ${checkpoint.treeSize} entries`
        : `the inclusion proof does not lead from leaf ${entry.index} to the checkpoint root at size ${checkpoint.treeSize}`,
    });
  }
  return done(expired);
}

/** The payload must be canonical JSON naming this org (and, in version 1, this index), and agree with the entry's queryable fields. */
function payloadProblems(entry: EntryJson, payload: string, orgId: string): ProofProblem[] {
  let parsed: unknown;
  try { parsed = JSON.parse(payload); } catch { return [{ check: 'payload', message: `the payload of entry ${entry.index} is not JSON` }]; }
  if (!isObject(parsed)) return [{ check: 'payload', message: `the payload of entry ${entry.index} is not a JSON object` }];
  const out: ProofProblem[] = [];
  if (canonicalJson(parsed) !== payload) out.push({ check: 'payload', message: `the payload of entry ${entry.index} is not in canonical form` });
  // Version 1 payloads named their index; from version 2 the position is bound by the inclusion proof alone.
  if (parsed.v === 1 && parsed.index !== entry.index) out.push({ check: 'payload', message: `the payload commits to index ${String(parsed.index)}, not ${entry.index}` });
  if (parsed.org !== orgId) out.push({ check: 'payload', message: `the payload commits to organization ${String(parsed.org)}, not the checkpoint's ${orgId}` });
  for (const [field, key] of PROJECTED) {
    if (!sameValue(field, entry[field], parsed[key])) {
      out.push({ check: 'payload', message: `entry.${field} is ${JSON.stringify(entry[field])} but the payload commits to ${JSON.stringify(parsed[key])}` });
    }
  }
  return out;
}

/**
 * Check a consistency proof between two checkpoints: both signed by the org's key, of the same org, and the
 * later tree an append-only extension of the earlier one (RFC 9162). A checkpoint of the empty tree is a
 * prefix of every tree.
 */
export function verifyConsistencyProof(bundle: ConsistencyProof & KeyMaterial): ProofVerdict {
  const problems: ProofProblem[] = [];
  if (!isObject(bundle)) return { ok: false, problems: [{ check: 'format', message: 'the proof is not a JSON object' }] };
  problems.push(...checkpointFormat(bundle.from, 'from'), ...checkpointFormat(bundle.to, 'to'));
  const path = hashList(bundle.consistencyProof, 'consistencyProof', problems);
  if (problems.length || !path) return { ok: false, problems };
  const { from, to } = bundle;
  checkSignature(from, bundle, 'from checkpoint', problems);
  checkSignature(to, bundle, 'to checkpoint', problems);
  if (from.orgId !== to.orgId) problems.push({ check: 'consistency', message: `the checkpoints belong to different organizations (${from.orgId}, ${to.orgId})` });
  const firstRoot = Buffer.from(from.rootHash, 'hex');
  const secondRoot = Buffer.from(to.rootHash, 'hex');
  let consistent: boolean;
  if (from.treeSize > to.treeSize) consistent = false;
  else if (from.treeSize === 0) consistent = firstRoot.equals(EMPTY_ROOT) && path.length === 0 && (to.treeSize > 0 || secondRoot.equals(EMPTY_ROOT));
  else consistent = verifyConsistency({ first: from.treeSize, second: to.treeSize, firstRoot, secondRoot, proof: path });
  if (!consistent) {
    problems.push({
      check: 'consistency',
      message: from.treeSize > to.treeSize
        ? `the tree shrank from ${from.treeSize} to ${to.treeSize} entries`
        : `the proof does not show the tree of ${to.treeSize} entries extending the tree of ${from.treeSize}: the ledger was rewritten, or the proof altered`,
    });
  }
  return { ok: problems.length === 0, problems };
}

/** Check a checkpoint someone kept: well-formed and signed by the org's key (its root is checked by the server, or by a consistency proof). */
export function verifyCheckpointSignature(bundle: { checkpoint: CheckpointJson } & KeyMaterial): ProofVerdict {
  const problems = checkpointFormat(bundle?.checkpoint, 'checkpoint');
  if (!problems.length) checkSignature(bundle.checkpoint, bundle, 'checkpoint', problems);
  return { ok: problems.length === 0, problems };
}

/** Which kind of proof a JSON document is, by its shape. */
export function proofKind(doc: unknown): 'entry' | 'consistency' | 'checkpoint' | undefined {
  if (!isObject(doc)) return undefined;
  if ('entry' in doc && 'inclusionProof' in doc) return 'entry';
  if ('from' in doc && 'to' in doc && 'consistencyProof' in doc) return 'consistency';
  if ('checkpoint' in doc) return 'checkpoint';
  if ('rootHash' in doc && 'signature' in doc && 'treeSize' in doc) return 'checkpoint';
  return undefined;
}
