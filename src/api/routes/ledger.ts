import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { StringEnum, Uuid } from '../../model/common.js';
import {
  consistencyBetween, entryProof, latestSignedCheckpoint, listCheckpointPage, listPublicKeys, masterKeySource,
  verifyKeptCheckpoint, verifyOrgLedger, type KeptCheckpoint,
} from '../../services/ledger.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, PageOf } from '../schemas.js';

const Hash = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, lower-case hex.' });
const TreeSize = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

const Checkpoint = Type.Object({
  orgId: Uuid,
  treeSize: TreeSize,
  rootHash: Hash,
  signedAt: Type.String({ description: 'ISO 8601 time, exactly as signed.' }),
  keyId: Uuid,
  signature: Type.String({ description: 'Base64 Ed25519 signature over "tenantproof-checkpoint/v1\\n{orgId}\\n{treeSize}\\n{rootHash}\\n{signedAt}\\n".' }),
}, { additionalProperties: false, description: 'A signed tree head.' });

const Entry = Type.Object({
  index: TreeSize,
  at: Type.String(),
  kind: Type.String(),
  action: Type.String(),
  objectType: Type.String(),
  objectId: Type.String(),
  actor: Type.String(),
  summary: Type.String(),
  tenantId: Type.Union([Uuid, Type.Null()]),
  payload: Type.Union([Type.String(), Type.Null()], { description: 'The exact canonical JSON the leaf commits to; null after retention.' }),
  salt: Type.Union([Type.String(), Type.Null()], { description: 'Base64 salt appended to the payload in the leaf; null after retention.' }),
  expired: Type.Boolean({ description: 'Retention removed payload and salt; the leaf hash still stands.' }),
}, { additionalProperties: false });

const EntryProof = Type.Object({
  entry: Entry,
  leafHash: Type.String({ description: 'SHA-256(0x00 || payload || salt), hex.' }),
  checkpoint: Checkpoint,
  inclusionProof: Type.Array(Hash, { description: 'RFC 9162 inclusion proof of entry.index in checkpoint.treeSize, from the leaf upwards.' }),
}, { additionalProperties: false });

const ConsistencyProof = Type.Object({
  from: Checkpoint,
  to: Checkpoint,
  consistencyProof: Type.Array(Hash, { description: 'RFC 9162 consistency proof from from.treeSize to to.treeSize.' }),
}, { additionalProperties: false });

const PublicKey = Type.Object({
  keyId: Uuid, algorithm: Type.String(), publicKey: Type.String({ description: 'Raw 32-byte Ed25519 public key, base64.' }),
  createdAt: Type.String(), retiredAt: Type.Union([Type.String(), Type.Null()]),
}, { additionalProperties: false });

const Verification = Type.Object({
  ok: Type.Boolean(), orgId: Uuid, treeSize: TreeSize, entriesChecked: Type.Integer(), entriesExpired: Type.Integer(), checkpointsChecked: Type.Integer(),
  problem: Type.Union([Type.Object({
    kind: Type.String({ description: 'entry, node, checkpoint or head.' }), at: Type.String({ description: 'Entry index, node "level/index" or checkpoint tree size.' }), message: Type.String(),
  }, { additionalProperties: false }), Type.Null()], { description: 'The first place that does not match, or null.' }),
}, { additionalProperties: false });

const KeptCheckpointBody = Type.Object({
  orgId: Uuid,
  treeSize: TreeSize,
  rootHash: Hash,
  signedAt: Type.String({ minLength: 1, maxLength: 64 }),
  keyId: Uuid,
  signature: Type.String({ pattern: '^[A-Za-z0-9+/]{86}==$', description: 'Base64 Ed25519 signature (64 bytes).' }),
}, { additionalProperties: false });

const KeptCheckpointVerdict = Type.Object({
  ok: Type.Boolean({ description: 'Genuine, and consistent with the ledger now.' }),
  genuine: Type.Union([Type.Boolean(), Type.Null()], { description: 'Signed by a key of this organization (null: not checked).' }),
  consistent: Type.Union([Type.Boolean(), Type.Null()], { description: 'The ledger now gives the same root at its size (null: not checked).' }),
  problem: Type.Union([Type.Object({
    code: StringEnum(['other_org', 'unknown_key', 'bad_signature', 'beyond_tree', 'root_mismatch'] as const, 'What is wrong, most basic first.'),
    field: Type.String(), message: Type.String(),
  }, { additionalProperties: false }), Type.Null()]),
  treeSize: Type.Union([TreeSize, Type.Null()], { description: 'The ledger\u2019s size now.' }),
  latest: Type.Union([Checkpoint, Type.Null()], { description: 'When ok: the latest checkpoint, which covers the kept one.' }),
  consistencyProof: Type.Union([Type.Array(Hash), Type.Null()], { description: 'When ok: proof that `latest` extends the kept checkpoint.' }),
}, { additionalProperties: false });

const IndexParams = Type.Object({ index: TreeSize }, { additionalProperties: false });
const ConsistencyQuery = Type.Object({
  from: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Size of a stored checkpoint (default: the one before `to`).' })),
  to: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Size of a stored checkpoint (default: the latest).' })),
}, { additionalProperties: false });
const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Page size (1\u2013200).' }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor from the previous page.' })),
}, { additionalProperties: false });

export function registerLedgerRoutes(app: FastifyInstance, db: Kysely<any>, config: Pick<Config, 'dataDir' | 'mode'>): void {
  const tags = ['Ledger'];
  const route = { config: { resource: 'ledger' } };
  const masterKey = masterKeySource(config);

  app.get('/api/ledger/entries/:index', {
    ...route, schema: {
      tags, summary: 'One ledger entry with its leaf hash and inclusion proof against the latest signed checkpoint (verifiable offline: verifyEntryProof, tenantproof verify-proof)',
      params: IndexParams, response: { 200: EntryProof, ...errorResponses },
    },
  }, async (request) => entryProof(db, actorOf(request), (request.params as { index: number }).index, masterKey));

  app.get('/api/ledger/consistency', {
    ...route, schema: {
      tags, summary: 'Consistency proof between two signed checkpoints: the later tree extends the earlier one',
      querystring: ConsistencyQuery, response: { 200: ConsistencyProof, ...errorResponses },
    },
  }, async (request) => consistencyBetween(db, actorOf(request), request.query as { from?: number; to?: number }, masterKey));

  app.get('/api/ledger/checkpoints', {
    ...route, schema: { tags, summary: 'Signed checkpoints, newest first', querystring: PageQuery, response: { 200: PageOf(Checkpoint), ...errorResponses } },
  }, async (request) => listCheckpointPage(db, actorOf(request), request.query as { limit: number; cursor?: string }));

  app.get('/api/ledger/checkpoints/latest', {
    ...route, schema: { tags, summary: 'The latest signed checkpoint', response: { 200: Checkpoint, ...errorResponses } },
  }, async (request) => latestSignedCheckpoint(db, actorOf(request), masterKey));

  app.post('/api/ledger/checkpoints/verify', {
    ...route, schema: {
      tags, summary: 'Check a checkpoint you kept: signed by this organization\u2019s key, and consistent with the ledger now (a forged one is named precisely)',
      body: KeptCheckpointBody, response: { 200: KeptCheckpointVerdict, ...errorResponses },
    },
  }, async (request) => verifyKeptCheckpoint(db, actorOf(request), request.body as KeptCheckpoint, masterKey));

  app.get('/api/ledger/public-keys', {
    ...route, schema: { tags, summary: 'The Ed25519 public keys that verify this organization\u2019s checkpoints', response: { 200: Type.Object({ items: Type.Array(PublicKey) }, { additionalProperties: false }), ...errorResponses } },
  }, async (request) => ({ items: await listPublicKeys(db, actorOf(request)) }));

  app.post('/api/ledger/verify', {
    ...route, schema: { tags, summary: 'Recompute the whole ledger from the database and name the first place that does not match (not for tenant-viewers)', response: { 200: Verification, ...errorResponses } },
  }, async (request) => verifyOrgLedger(db, actorOf(request)));
}
