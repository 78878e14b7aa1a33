import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgsDueForCheckpoint, signDueCheckpoints, startCheckpointTimer } from '../../src/ledger/checkpoint-timer.js';
import { subtreesOf } from '../../src/ledger/merkle.js';
import { verifyConsistencyProof, verifyEntryProof, type CheckpointJson } from '../../src/ledger/proof.js';
import { signCheckpoint } from '../../src/ledger/checkpoints.js';
import { checkpointMessage, signMessage } from '../../src/ledger/signing.js';
import { appendEntries, type LedgerEntryInput } from '../../src/ledger/tree-store.js';
import { resourceByName } from '../../src/model/index.js';
import { operatorActor } from '../../src/services/provisioning.js';
import { createObject } from '../../src/services/resources.js';
import { withContext } from '../../src/store/database.js';
import { as, bareOrg, DB_KIND, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';
import { CLI_MAIN, NODE } from '../support/cli.js';
import { forgeLeafHashSql } from '../support/ledger-tamper.js';

/**
 * The ledger API end to end on the real database: entries with inclusion proofs that anyone verifies from the
 * exported JSON and the public key alone, consistency proofs, checkpoints a customer kept (genuine or forged),
 * full verification, tenant and organization isolation, the CLI (`verify`, `verify-proof`) and the checkpoint timer.
 */

// The routes read the master key from the environment when they first sign; the test signs "genuine" forgeries with it.
const MASTER = randomBytes(32);
process.env.TENANTPROOF_MASTER_KEY = MASTER.toString('base64');

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run { code: number; stdout: string; stderr: string }

const flip = (h: string, at = 7) => h.slice(0, at) + (h[at] === '0' ? '1' : '0') + h.slice(at + 1);

describe('the ledger API', () => {
  let h: Harness;
  let a: SeededOrg;
  let b: SeededOrg;
  let tmp: string;
  let cliEnv: NodeJS.ProcessEnv;

  const get = (token: string, url: string) => as(h, token, { method: 'GET', url });
  const post = (token: string, url: string, payload?: unknown) => {
    const options: InjectOptions = { method: 'POST', url };
    if (payload !== undefined) options.payload = payload as InjectOptions['payload'];
    return as(h, token, options);
  };
  const keysOf = async (s: SeededOrg, token = s.tokens.owner) => (await get(token, '/api/ledger/public-keys')).json().items as Array<{ keyId: string; publicKey: string }>;
  const inOrg = <T>(s: SeededOrg | string, fn: Parameters<typeof withContext<T>>[2]) =>
    withContext(h.database.db, { orgId: typeof s === 'string' ? s : s.org.orgId, tenantId: null, userId: null }, fn);
  const sizeOf = (s: SeededOrg) => inOrg(s, async (trx) => Number((await sql<{ n: string }>`SELECT tree_size AS n FROM ledger_heads`.execute(trx)).rows[0]!.n));
  /** One more ledger entry in the org (a new service), returning its index. */
  const change = async (s: SeededOrg) => {
    await createObject(h.database.db, operatorActor(s.org.orgId), resourceByName('services'), { slug: unique('svc'), name: 'Another service' });
    return (await sizeOf(s)) - 1;
  };
  /** A checkpoint signed with the org's real key (as only the server could), for any size and root. */
  const signAsOrg = async (s: SeededOrg, claim: { treeSize: number; rootHash: string }): Promise<CheckpointJson> => {
    const key = await inOrg(s, (trx) => trx.selectFrom('org_signing_keys').select(['key_id', 'private_key_encrypted']).where('retired_at', 'is', null).executeTakeFirstOrThrow());
    const signedAt = new Date().toISOString();
    const signature = signMessage(MASTER, Buffer.from(key.private_key_encrypted), checkpointMessage({ orgId: s.org.orgId, ...claim, signedAt })).toString('base64');
    return { orgId: s.org.orgId, ...claim, signedAt, keyId: key.key_id, signature };
  };
  const cli = (args: string[], input?: string): Promise<Run> => new Promise((resolve) => {
    const child = execFile(NODE, [CLI_MAIN, ...args], { env: cliEnv, cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    });
    child.stdin!.end(input ?? '');
  });

  beforeAll(async () => {
    h = await startHarness();
    a = await seedOrg(h, 'ledger-a');
    b = await seedOrg(h, 'ledger-b');
    tmp = mkdtempSync(join(tmpdir(), 'tenantproof-ledger-'));
    cliEnv = { ...process.env, TENANTPROOF_DATA: join(tmp, 'data'), LOG_LEVEL: 'silent', TENANTPROOF_MODE: 'development' };
    delete cliEnv.DATABASE_URL;
    if (process.env.TEST_DATABASE_URL) cliEnv.DATABASE_URL = process.env.TEST_DATABASE_URL;
  });
  afterAll(async () => {
    await h?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  describe('entries and inclusion proofs', () => {
    it('serves an entry whose proof verifies from the JSON and the public key alone', async () => {
      // seedOrg's entries: the org, two services, the vendor and the review its new sub-processor opened, tenant A, tenant B
      const res = await get(a.tokens.owner, '/api/ledger/entries/5');
      expect(res.statusCode, res.body).toBe(200);
      const proof = res.json();
      expect(proof.entry).toMatchObject({ index: 5, kind: 'change', action: 'create', objectType: 'tenant', objectId: a.ids.tenantA, tenantId: a.ids.tenantA, expired: false });
      expect(JSON.parse(proof.entry.payload)).toMatchObject({ v: 2, org: a.org.orgId, tenant: a.ids.tenantA });
      expect(Buffer.from(proof.entry.salt, 'base64')).toHaveLength(16);
      expect(proof.checkpoint).toMatchObject({ orgId: a.org.orgId, treeSize: await sizeOf(a) });
      expect(proof.inclusionProof.length).toBeGreaterThan(2);
      const keys = await keysOf(a);
      expect(keys).toHaveLength(1);
      expect(keys[0]!.keyId).toBe(proof.checkpoint.keyId);
      expect(verifyEntryProof({ ...proof, publicKeys: keys })).toEqual({ ok: true, problems: [], expired: false });
      expect(verifyEntryProof({ ...proof, publicKey: keys[0]!.publicKey }).ok).toBe(true);
    });

    it('signs a new checkpoint first when the entry is newer than the latest one, and reuses it after', async () => {
      const before = (await get(a.tokens.owner, '/api/ledger/checkpoints/latest')).json();
      const index = await change(a);
      expect(index).toBeGreaterThanOrEqual(before.treeSize);
      const proof = (await get(a.tokens.auditor, `/api/ledger/entries/${index}`)).json();
      expect(proof.checkpoint.treeSize).toBe(index + 1);
      expect(Date.parse(proof.checkpoint.signedAt)).toBeGreaterThan(Date.parse(before.signedAt));
      expect(verifyEntryProof({ ...proof, publicKeys: await keysOf(a) }).ok).toBe(true);
      // an older entry is proved against the same (latest) checkpoint: nothing new is signed
      const older = (await get(a.tokens.owner, '/api/ledger/entries/1')).json();
      expect(older.checkpoint).toEqual(proof.checkpoint);
      expect(verifyEntryProof({ ...older, publicKeys: await keysOf(a) }).ok).toBe(true);
    });

    it('proves against the checkpoint signed meanwhile by someone else (the server guesses the latest size it saw last)', async () => {
      const first = (await get(a.tokens.owner, '/api/ledger/entries/2')).json(); // the server now remembers this size
      await change(a);
      await change(a);
      // signed outside this request path (as the timer or another server would): the guess is now stale
      const signed = await inOrg(a, (trx) => signCheckpoint(trx, a.org.orgId, MASTER));
      expect(signed.treeSize).toBeGreaterThan(first.checkpoint.treeSize);
      const keys = await keysOf(a);
      for (const index of [2, 3]) {
        const proof = (await get(a.tokens.owner, `/api/ledger/entries/${index}`)).json();
        expect(proof.checkpoint).toMatchObject({ treeSize: signed.treeSize, rootHash: signed.rootHash });
        expect(verifyEntryProof({ ...proof, publicKeys: keys })).toEqual({ ok: true, problems: [], expired: false });
      }
      expect((await get(a.tokens.owner, '/api/ledger/entries/2')).json().inclusionProof).not.toEqual(first.inclusionProof);
    });

    it('a mutated payload, salt, proof, root or signature fails offline verification, each named', async () => {
      const proof = (await get(a.tokens.owner, '/api/ledger/entries/7')).json();
      const publicKeys = await keysOf(a);
      const fails = (bundle: any) => {
        const v = verifyEntryProof({ ...bundle, publicKeys });
        expect(v.ok).toBe(false);
        return [...new Set(v.problems.map((p) => p.check))].sort();
      };
      expect(fails({ ...proof, entry: { ...proof.entry, payload: proof.entry.payload.replace('"create"', '"delete"') } })).toEqual(['leaf', 'payload']);
      expect(fails({ ...proof, entry: { ...proof.entry, salt: randomBytes(16).toString('base64') } })).toEqual(['leaf']);
      expect(fails({ ...proof, entry: { ...proof.entry, summary: 'Nothing happened' } })).toEqual(['payload']);
      expect(fails({ ...proof, inclusionProof: [flip(proof.inclusionProof[0]), ...proof.inclusionProof.slice(1)] })).toEqual(['inclusion']);
      expect(fails({ ...proof, leafHash: flip(proof.leafHash) })).toEqual(['inclusion', 'leaf']);
      expect(fails({ ...proof, checkpoint: { ...proof.checkpoint, rootHash: flip(proof.checkpoint.rootHash) } })).toEqual(['inclusion', 'signature']);
      const sig = Buffer.from(proof.checkpoint.signature, 'base64');
      sig[10]! ^= 0x01;
      expect(fails({ ...proof, checkpoint: { ...proof.checkpoint, signature: sig.toString('base64') } })).toEqual(['signature']);
      // and another organization's key does not vouch for it
      await get(b.tokens.owner, '/api/ledger/checkpoints/latest'); // org B's key is made with its first checkpoint
      const bKey = (await keysOf(b))[0]!;
      expect(verifyEntryProof({ ...proof, publicKeys: [{ ...bKey, keyId: proof.checkpoint.keyId }] }).problems.map((p) => p.check)).toEqual(['signature']);
    });

    it('an index beyond the tree is 404 with the size; a malformed index is 400', async () => {
      const size = await sizeOf(a);
      for (const index of [size, size + 1000, Number.MAX_SAFE_INTEGER]) {
        const res = await get(a.tokens.owner, `/api/ledger/entries/${index}`);
        expect(res.statusCode, String(index)).toBe(404);
        expect(res.json()).toMatchObject({ error: 'not_found', field: 'index', message: `Ledger entry ${index} not found: the ledger has ${size} entries (0\u2013${size - 1}).` });
      }
      for (const bad of ['-1', 'abc', '1.5', '99999999999999999999']) {
        const res = await get(a.tokens.owner, `/api/ledger/entries/${bad}`);
        expect(res.statusCode, bad).toBe(400);
        expect(res.json()).toMatchObject({ error: 'validation_failed', field: 'index' });
      }
    });
  });

  describe('checkpoints and consistency proofs', () => {
    it('proves consistency between two stored checkpoints; the proof verifies offline and fails when altered', async () => {
      const first = (await get(a.tokens.owner, `/api/ledger/entries/${await change(a)}`)).json().checkpoint;
      await change(a);
      await change(a);
      const second = (await get(a.tokens.owner, `/api/ledger/entries/${await change(a)}`)).json().checkpoint;
      expect(second.treeSize).toBe(first.treeSize + 3);
      const publicKeys = await keysOf(a);

      const res = await get(a.tokens.engineer, `/api/ledger/consistency?from=${first.treeSize}&to=${second.treeSize}`);
      expect(res.statusCode, res.body).toBe(200);
      const proof = res.json();
      expect(proof.from).toEqual(first);
      expect(proof.to).toEqual(second);
      expect(proof.consistencyProof.length).toBeGreaterThan(0);
      expect(verifyConsistencyProof({ ...proof, publicKeys })).toEqual({ ok: true, problems: [] });
      // defaults: to = the latest, from = the checkpoint before it
      expect((await get(a.tokens.owner, '/api/ledger/consistency')).json()).toEqual(proof);
      expect((await get(a.tokens.owner, `/api/ledger/consistency?from=${first.treeSize}`)).json()).toEqual(proof);

      expect(verifyConsistencyProof({ ...proof, publicKeys, consistencyProof: [flip(proof.consistencyProof[0]), ...proof.consistencyProof.slice(1)] }).problems.map((p) => p.check)).toEqual(['consistency']);
      expect(verifyConsistencyProof({ ...proof, publicKeys, to: { ...proof.to, rootHash: flip(proof.to.rootHash) } }).ok).toBe(false);
    });

    it('refuses sizes that are not checkpoints, and from after to, precisely', async () => {
      const latest = (await get(a.tokens.owner, '/api/ledger/checkpoints/latest')).json();
      const notStored = latest.treeSize + 50;
      expect((await get(a.tokens.owner, `/api/ledger/consistency?from=${notStored}`)).json()).toMatchObject({ error: 'not_found', field: 'from' });
      expect((await get(a.tokens.owner, `/api/ledger/consistency?to=${notStored}`)).json()).toMatchObject({ error: 'not_found', field: 'to' });
      const older = (await get(a.tokens.owner, '/api/ledger/checkpoints?limit=200')).json().items.find((c: CheckpointJson) => c.treeSize < latest.treeSize);
      const res = await get(a.tokens.owner, `/api/ledger/consistency?from=${latest.treeSize}&to=${older.treeSize}`);
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ error: 'invalid_value', field: 'from' });
      expect((await get(a.tokens.owner, '/api/ledger/consistency?from=x')).json()).toMatchObject({ error: 'validation_failed', field: 'from' });
      expect((await get(a.tokens.owner, '/api/ledger/consistency?since=1')).json()).toMatchObject({ error: 'validation_failed', field: 'since' });
    });

    it('lists checkpoints newest first, page by page, and refuses a cursor it did not make', async () => {
      const all = (await get(a.tokens.owner, '/api/ledger/checkpoints?limit=200')).json();
      expect(all.total).toBeGreaterThanOrEqual(3);
      expect(all.items).toHaveLength(all.total);
      const sizes = all.items.map((c: CheckpointJson) => c.treeSize);
      expect([...sizes].sort((x: number, y: number) => y - x)).toEqual(sizes);
      expect(all.items[0]).toEqual((await get(a.tokens.owner, '/api/ledger/checkpoints/latest')).json());
      const seen: CheckpointJson[] = [];
      let cursor: string | null = null;
      do {
        const page: any = (await get(a.tokens.auditor, `/api/ledger/checkpoints?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.items);
      for (const bad of ['nope', Buffer.from('["checkpoints","1 OR 1=1"]').toString('base64url'), Buffer.from('["services","5"]').toString('base64url')]) {
        expect((await get(a.tokens.owner, `/api/ledger/checkpoints?cursor=${bad}`)).json()).toMatchObject({ error: 'invalid_cursor', field: 'cursor' });
      }
    });

    it('signs the first checkpoint on demand for a ledger that has none', async () => {
      const c = await seedOrg(h, 'ledger-fresh');
      expect((await get(c.tokens.owner, '/api/ledger/public-keys')).json().items).toEqual([]);
      expect((await get(c.tokens.owner, '/api/ledger/checkpoints')).json()).toEqual({ items: [], nextCursor: null, total: 0 });
      const latest = (await get(c.tokens.owner, '/api/ledger/checkpoints/latest')).json();
      expect(latest).toMatchObject({ orgId: c.org.orgId, treeSize: await sizeOf(c) });
      expect((await get(c.tokens.owner, '/api/ledger/consistency')).json()).toEqual({ from: latest, to: latest, consistencyProof: [] });
      const keys = (await get(c.tokens.owner, '/api/ledger/public-keys')).json().items;
      expect(keys).toEqual([{ keyId: latest.keyId, algorithm: 'ed25519', publicKey: expect.any(String), createdAt: expect.any(String), retiredAt: null }]);
      expect(Buffer.from(keys[0].publicKey, 'base64')).toHaveLength(32);
    });
  });

  describe('checking a checkpoint someone kept', () => {
    it('a genuine one is ok, with a consistency proof from it to the latest that verifies offline', async () => {
      const kept = (await get(a.tokens.viewerA, '/api/ledger/checkpoints/latest')).json();
      await change(a);
      const res = await post(a.tokens.viewerA, '/api/ledger/checkpoints/verify', kept);
      expect(res.statusCode, res.body).toBe(200);
      const verdict = res.json();
      expect(verdict).toMatchObject({ ok: true, genuine: true, consistent: true, problem: null, treeSize: await sizeOf(a) });
      expect(verdict.latest.treeSize).toBeGreaterThanOrEqual(kept.treeSize);
      expect(verifyConsistencyProof({ from: kept, to: verdict.latest, consistencyProof: verdict.consistencyProof, publicKeys: await keysOf(a) })).toEqual({ ok: true, problems: [] });
    });

    it('a forged one is answered precisely: unknown key, bad signature, size beyond the tree, root mismatch, another org', async () => {
      const kept: CheckpointJson = (await get(a.tokens.owner, '/api/ledger/checkpoints/latest')).json();
      const size = await sizeOf(a);
      const check = async (claim: unknown, token = a.tokens.owner) => {
        const res = await post(token, '/api/ledger/checkpoints/verify', claim);
        expect(res.statusCode, res.body).toBe(200);
        return res.json();
      };

      const unknownKey = await check({ ...kept, keyId: randomUUID() });
      expect(unknownKey).toMatchObject({ ok: false, genuine: false, consistent: true, problem: { code: 'unknown_key', field: 'keyId' } });

      const sig = Buffer.from(kept.signature, 'base64');
      sig[3]! ^= 0x20;
      expect(await check({ ...kept, signature: sig.toString('base64') })).toMatchObject({
        ok: false, genuine: false, consistent: true, problem: { code: 'bad_signature', field: 'signature', message: expect.stringMatching(/forged, or altered/) },
      });
      // a forger who edits the root or the size breaks the signature first
      expect(await check({ ...kept, rootHash: flip(kept.rootHash) })).toMatchObject({ genuine: false, consistent: false, problem: { code: 'bad_signature' } });
      expect(await check({ ...kept, treeSize: size + 5 })).toMatchObject({ genuine: false, consistent: false, problem: { code: 'bad_signature' } });

      // genuinely signed heads the ledger does not match: evidence that it was cut or rewritten
      const beyond = await check(await signAsOrg(a, { treeSize: size + 10, rootHash: kept.rootHash }));
      expect(beyond).toMatchObject({ ok: false, genuine: true, consistent: false, treeSize: size, problem: { code: 'beyond_tree', field: 'treeSize', message: expect.stringMatching(new RegExp(`${size + 10} entries, but the ledger now has ${size}`)) } });
      const rewritten = await check(await signAsOrg(a, { treeSize: 3, rootHash: kept.rootHash }));
      expect(rewritten).toMatchObject({ ok: false, genuine: true, consistent: false, problem: { code: 'root_mismatch', field: 'rootHash', message: expect.stringMatching(/different root at size 3/) } });

      // org B is told the checkpoint is not its own, and nothing of org A
      const foreign = await check(kept, b.tokens.owner);
      expect(foreign).toEqual({ ok: false, genuine: null, consistent: null, treeSize: null, latest: null, consistencyProof: null, problem: { code: 'other_org', field: 'orgId', message: expect.any(String) } });
      for (const secret of [a.org.slug, kept.rootHash, ...Object.values(a.ids)]) expect(JSON.stringify(foreign)).not.toContain(secret);
    });

    it('a malformed one is a 400 naming the field', async () => {
      const kept: CheckpointJson = (await get(a.tokens.owner, '/api/ledger/checkpoints/latest')).json();
      const cases: Array<[unknown, string]> = [
        [{ ...kept, signature: 'not base64!' }, 'signature'],
        [{ ...kept, signature: Buffer.alloc(32).toString('base64') }, 'signature'],
        [{ ...kept, rootHash: kept.rootHash.toUpperCase() }, 'rootHash'],
        [{ ...kept, treeSize: -1 }, 'treeSize'],
        [{ ...kept, keyId: 'k1' }, 'keyId'],
        [{ ...kept, extra: true }, 'extra'],
        [{ orgId: kept.orgId }, 'treeSize'],
      ];
      for (const [body, field] of cases) {
        const res = await post(a.tokens.owner, '/api/ledger/checkpoints/verify', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json()).toMatchObject({ error: 'validation_failed', field });
      }
    });
  });

  describe('full verification', () => {
    it('owner and auditor get the report; a tenant-viewer is refused', async () => {
      for (const token of [a.tokens.owner, a.tokens.auditor, a.tokens.engineer, a.tokens['isms-manager']]) {
        const res = await post(token, '/api/ledger/verify');
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({ ok: true, orgId: a.org.orgId, treeSize: await sizeOf(a), problem: null });
        expect(res.json().checkpointsChecked).toBeGreaterThanOrEqual(3);
      }
      const viewer = await post(a.tokens.viewerA, '/api/ledger/verify');
      expect(viewer.statusCode).toBe(403);
      expect(viewer.json().error).toBe('forbidden');
    });

    it('after the database is edited behind the API\u2019s back: verify names the entry, a kept checkpoint shows the rewrite, nothing new is signed, a served proof fails offline', async () => {
      const c = await seedOrg(h, 'ledger-tamper');
      const kept: CheckpointJson = (await get(c.tokens.owner, '/api/ledger/checkpoints/latest')).json();
      const tamper = (index: number) => h.database.ownerScript(forgeLeafHashSql(c.org.orgId, index));

      // 1. the last stored leaf hash of the largest subtree the kept root is built from: the root at that size changes
      const top = subtreesOf([0, kept.treeSize])[0]!;
      expect(top.level).toBeGreaterThan(2);
      const last = (top.index + 1) * 2 ** top.level - 1;
      await tamper(last);
      expect((await post(c.tokens.auditor, '/api/ledger/verify')).json()).toMatchObject({ ok: false, problem: { kind: 'entry', at: String(last) } });
      expect((await post(c.tokens.owner, '/api/ledger/checkpoints/verify', kept)).json()).toMatchObject({ ok: false, genuine: true, consistent: false, problem: { code: 'root_mismatch' } });
      const refused = await get(c.tokens.owner, `/api/ledger/entries/${await change(c)}`);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ error: 'ledger_inconsistent', message: expect.stringMatching(/no new checkpoint is signed/) });

      // 2. a leaf under a sibling on entry 2's path (subtree [4, 8)): the proof the server now serves no longer reaches the signed root
      await tamper(5);
      const proof = (await get(c.tokens.viewerA, '/api/ledger/checkpoints/latest')).json();
      expect(proof).toEqual(kept);
      const served = (await get(c.tokens.owner, '/api/ledger/entries/2')).json();
      expect(served.checkpoint).toEqual(kept);
      const v = verifyEntryProof({ ...served, publicKeys: await keysOf(c) });
      expect(v.problems.map((p) => p.check)).toEqual(['inclusion']);
      expect((await post(c.tokens.auditor, '/api/ledger/verify')).json()).toMatchObject({ ok: false, problem: { kind: 'entry', at: '5' } });
      if (DB_KIND === 'postgres') {
        // the CLI reads the same database: it exits 1 naming the entry
        const run = await cli(['verify', '--org', c.org.slug]);
        expect(run.code, run.stderr).toBe(1);
        expect(run.stdout).toContain(`${c.org.slug}: FAILED at entry 5: entry 5's payload or salt does not match its leaf hash`);
        // and records the run, as the web app's button does: the organization sees it failed, and who ran it
        const id = /recorded as verification ([0-9a-f-]{36})/.exec(run.stdout)?.[1];
        expect(id, run.stdout).toBeDefined();
        const recorded = (await get(c.tokens.auditor, '/api/ledger/verifications')).json().items[0];
        expect(recorded).toMatchObject({ id, status: 'failed', requestedBy: 'operator (CLI)', problem: { kind: 'entry', at: '5' } });
      }
    });
  });

  describe('isolation', () => {
    it('a tenant-viewer gets its own tenant\u2019s entries with proofs, 404 for every other entry, and reads checkpoints and keys', async () => {
      const own = await get(a.tokens.viewerA, '/api/ledger/entries/5');
      expect(own.statusCode, own.body).toBe(200);
      const keys = await keysOf(a, a.tokens.viewerA);
      expect(verifyEntryProof({ ...own.json(), publicKeys: keys }).ok).toBe(true);
      for (const secret of [a.ids.tenantB, a.ids.dedicatedB, a.ids.viewerBUser, a.emails.viewerB]) expect(own.body).not.toContain(secret);

      // tenant B's entry, and the org's own (tenant-less) entries: invisible, exactly like a missing one
      for (const index of [6, 4, 0, 1]) {
        const res = await get(a.tokens.viewerA, `/api/ledger/entries/${index}`);
        expect(res.statusCode, String(index)).toBe(404);
        expect(res.json()).toEqual({ error: 'not_found', field: 'index', message: `Ledger entry ${index} not found.` });
      }
      expect((await get(a.tokens.viewerB, '/api/ledger/entries/6')).statusCode).toBe(200);
      expect((await get(a.tokens.viewerB, '/api/ledger/entries/5')).statusCode).toBe(404);

      for (const url of ['/api/ledger/checkpoints', '/api/ledger/checkpoints/latest', '/api/ledger/public-keys', '/api/ledger/consistency']) {
        const res = await get(a.tokens.viewerA, url);
        expect(res.statusCode, url).toBe(200);
        for (const secret of [a.ids.tenantB, a.ids.dedicatedB]) expect(res.body).not.toContain(secret);
      }
    });

    it('another organization reaches only its own ledger: its own entry N, 404 beyond its tree, never a hash of the other', async () => {
      await change(a);
      await change(a);
      const sizeA = await sizeOf(a);
      const sizeB = await sizeOf(b);
      expect(sizeA).toBeGreaterThan(sizeB);
      const beyondB = await get(b.tokens.owner, `/api/ledger/entries/${sizeB}`);
      expect(beyondB.statusCode).toBe(404);
      expect((await get(a.tokens.owner, `/api/ledger/entries/${sizeB}`)).statusCode).toBe(200);

      const aProof = (await get(a.tokens.owner, '/api/ledger/entries/3')).json();
      const bProof = (await get(b.tokens.owner, '/api/ledger/entries/3')).json();
      expect(bProof.checkpoint.orgId).toBe(b.org.orgId);
      expect(JSON.parse(bProof.entry.payload).org).toBe(b.org.orgId);
      const aSecrets = [a.org.orgId, a.org.slug, aProof.leafHash, aProof.checkpoint.rootHash, aProof.checkpoint.keyId, ...Object.values(a.ids)];
      for (const url of ['/api/ledger/entries/3', `/api/ledger/entries/${sizeB - 1}`, '/api/ledger/checkpoints?limit=200', '/api/ledger/checkpoints/latest', '/api/ledger/public-keys', '/api/ledger/consistency']) {
        const body = (await get(b.tokens.owner, url)).body;
        for (const secret of aSecrets) expect(body, url).not.toContain(secret);
      }
      const bVerify = (await post(b.tokens.owner, '/api/ledger/verify')).json();
      expect(bVerify).toMatchObject({ ok: true, orgId: b.org.orgId, treeSize: sizeB });
      // A's proof does not verify under B's keys, nor B's under A's
      expect(verifyEntryProof({ ...aProof, publicKeys: await keysOf(b) }).ok).toBe(false);
      expect(verifyEntryProof({ ...bProof, publicKeys: await keysOf(a) }).ok).toBe(false);
    });
  });

  describe('the CLI', () => {
    it('verify-proof: 0 for a valid proof (file or stdin), 1 for an altered one saying why, 2 when unreadable', async () => {
      const proof = (await get(a.tokens.owner, '/api/ledger/entries/6')).json();
      const keys = (await get(a.tokens.owner, '/api/ledger/public-keys')).json();
      const file = join(tmp, 'entry-6.json');
      const keysFile = join(tmp, 'keys.json');
      writeFileSync(file, JSON.stringify(proof, null, 2));
      writeFileSync(keysFile, JSON.stringify(keys));

      const valid = await cli(['verify-proof', file, '--public-key', keysFile]);
      expect(valid.code, valid.stderr).toBe(0);
      expect(valid.stdout).toMatch(/^valid: entry 6 \(change create .*\) is in the tree of \d+ entries signed/);
      const inline = await cli(['verify-proof', '-', '--public-key', keys.items[0].publicKey], JSON.stringify(proof));
      expect(inline.code, inline.stderr).toBe(0);
      const keyInFile = await cli(['verify-proof', '-'], JSON.stringify({ ...proof, publicKeys: keys.items }));
      expect(keyInFile.code).toBe(0);
      expect(keyInFile.stderr).toMatch(/came from the proof file itself/);

      const altered = await cli(['verify-proof', '-', '--public-key', keysFile], JSON.stringify({ ...proof, entry: { ...proof.entry, payload: proof.entry.payload.replace('"change"', '"event"') } }));
      expect(altered.code).toBe(1);
      expect(altered.stdout).toMatch(/NOT valid \(entry proof\)/);
      expect(altered.stdout).toMatch(/leaf: the payload and salt of entry 6 give leaf hash/);

      const consistency = (await get(a.tokens.owner, '/api/ledger/consistency')).json();
      expect((await cli(['verify-proof', '-', '--public-key', keysFile], JSON.stringify(consistency))).code).toBe(0);
      const forged = await cli(['verify-proof', '-', '--public-key', keysFile], JSON.stringify({ ...consistency.to, treeSize: consistency.to.treeSize + 1 }));
      expect(forged.code).toBe(1);
      expect(forged.stdout).toMatch(/signature: the signature of the checkpoint/);

      expect((await cli(['verify-proof', join(tmp, 'missing.json'), '--public-key', keysFile])).code).toBe(2);
      expect((await cli(['verify-proof', '-', '--public-key', keysFile], 'not json')).code).toBe(2);
      expect((await cli(['verify-proof', '-', '--public-key', keysFile], '{"hello":1}')).code).toBe(2);
      expect((await cli(['verify-proof', '-'], JSON.stringify(proof))).code).toBe(2);
      expect((await cli(['verify-proof', '-', '--public-key', 'AAAA'], JSON.stringify(proof))).code).toBe(2);
    }, 120_000);

    it('verify: 0 when an organization\u2019s ledger recomputes, each run recorded unless --no-record, 1 for an unknown organization', async () => {
      let slug = a.org.slug;
      let size = 0;
      if (DB_KIND !== 'postgres') {
        // the embedded database of this test is in memory: the CLI gets its own data directory
        slug = unique('cli-ledger');
        const made = await cli(['org', 'create', '--slug', slug, '--name', 'CLI ledger']);
        expect(made.code, made.stderr).toBe(0);
        const all = await cli(['verify']);
        expect(all.code, all.stderr).toBe(0);
        // the run's own start is an entry of the ledger it verifies: the organization's creation and that one
        expect(all.stdout).toMatch(new RegExp(`^${slug}: ok: 2 entries recomputed .* tree size 2 \\(recorded as verification [0-9a-f-]{36}\\)$`, 'm'));
        size = 3; // and its result is a third
      } else {
        size = Number((await post(a.tokens.owner, '/api/ledger/verify')).json().treeSize);
      }
      const one = await cli(['verify', '--org', slug, '--json']);
      expect(one.code, one.stderr).toBe(0);
      const [recorded] = JSON.parse(one.stdout);
      expect(recorded).toEqual(expect.objectContaining({ org: slug, ok: true, status: 'passed', problem: null, verificationId: expect.stringMatching(/^[0-9a-f-]{36}$/) }));
      expect(recorded.treeSize).toBeGreaterThanOrEqual(size + 1);
      if (DB_KIND === 'postgres') {
        const listed = (await get(a.tokens.auditor, '/api/ledger/verifications')).json().items;
        expect(listed.find((r: { id: string }) => r.id === recorded.verificationId)).toMatchObject({ status: 'passed', requestedBy: 'operator (CLI)', treeSize: recorded.treeSize });
      }
      // --no-record: nothing written; it sees the recorded run's result entry, and the next run sees no more
      const quiet = await cli(['verify', '--org', slug, '--json', '--no-record']);
      expect(quiet.code, quiet.stderr).toBe(0);
      const [unrecorded] = JSON.parse(quiet.stdout);
      expect(unrecorded).toMatchObject({ ok: true, verificationId: null, status: null });
      expect(unrecorded.treeSize).toBeGreaterThanOrEqual(recorded.treeSize + 1);
      if (DB_KIND !== 'postgres') {
        expect(unrecorded.treeSize).toBe(recorded.treeSize + 1);
        const again = JSON.parse((await cli(['verify', '--org', slug, '--json', '--no-record'])).stdout)[0];
        expect(again.treeSize).toBe(unrecorded.treeSize);
      }
      const unknown = await cli(['verify', '--org', unique('nobody')]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/no organization with slug/);
      expect((await cli(['verify', '--help'])).stdout).toMatch(/Usage: tenantproof verify/);
    }, 120_000);
  });

  describe('the checkpoint timer', () => {
    const entry = (i: number): LedgerEntryInput => ({
      kind: 'change', at: new Date().toISOString(), tenantId: null, action: 'update', objectType: 'system', objectId: randomUUID(), actor: 'timer-test', summary: `change ${i}`, details: {},
    });
    const policy = { entries: 5, seconds: 600 };

    it('signs for orgs with new entries (every N entries or T seconds), and a fresh timestamp when nothing changed', async () => {
      const orgId = await bareOrg(h.database, unique('timer'));
      const append = (n: number) => inOrg(orgId, (trx) => appendEntries(trx, orgId, Array.from({ length: n }, (_, i) => entry(i))));
      const round = (now: Date) => signDueCheckpoints(h.database.db, MASTER, policy, now, [orgId]);
      const t0 = new Date();
      await append(3);
      expect(await orgsDueForCheckpoint(h.database.db, policy, t0)).toContain(orgId);

      const first = await round(t0);
      expect(first.signed.map((c) => [c.orgId, c.treeSize])).toEqual([[orgId, 3]]);
      expect(await orgsDueForCheckpoint(h.database.db, policy, t0)).not.toContain(orgId);
      expect((await round(t0)).signed).toEqual([]);

      await append(4); // 4 new < 5: not yet
      expect((await round(new Date(t0.getTime() + 1000))).signed).toEqual([]);
      await append(1); // 5 new: due
      expect((await round(new Date(t0.getTime() + 2000))).signed.map((c) => c.treeSize)).toEqual([8]);

      // nothing changes for T seconds: the same size is signed again with a fresh time
      const later = new Date(t0.getTime() + 2000 + 600_000);
      expect(await orgsDueForCheckpoint(h.database.db, policy, new Date(later.getTime() - 1000))).not.toContain(orgId);
      const fresh = (await round(later)).signed;
      expect(fresh.map((c) => [c.treeSize, c.signedAt])).toEqual([[8, later.toISOString()]]);

      // the org's ledger and checkpoints still verify, and each checkpoint's signature holds
      const report = await inOrg(orgId, async (trx) => (await import('../../src/ledger/verify.js')).verifyLedger(trx, orgId));
      expect(report).toMatchObject({ ok: true, treeSize: 8, checkpointsChecked: 3 });
    });

    it('keeps going when one org\u2019s tree is tampered, and reports it', async () => {
      const good = await bareOrg(h.database, unique('timer-good'));
      const bad = await bareOrg(h.database, unique('timer-bad'));
      for (const orgId of [good, bad]) await inOrg(orgId, (trx) => appendEntries(trx, orgId, Array.from({ length: 4 }, (_, i) => entry(i))));
      await signDueCheckpoints(h.database.db, MASTER, policy, new Date(), [good, bad]);
      for (const orgId of [good, bad]) await inOrg(orgId, (trx) => appendEntries(trx, orgId, Array.from({ length: 6 }, (_, i) => entry(i))));
      await h.database.ownerScript(forgeLeafHashSql(bad, 1));
      const result = await signDueCheckpoints(h.database.db, MASTER, policy, new Date(), [good, bad]);
      expect(result.signed.map((c) => c.orgId)).toEqual([good]);
      expect(result.failed.map((f) => [f.orgId, f.error.message])).toEqual([[bad, expect.stringMatching(/no longer gives the root/)]]);
    });

    // The timer's round covers every org of the database: on the PostgreSQL run other test files share it.
    it.skipIf(DB_KIND === 'postgres')('startCheckpointTimer: tick signs what is due, rounds do not overlap, stop waits', async () => {
      const orgId = await bareOrg(h.database, unique('timer-tick'));
      await inOrg(orgId, (trx) => appendEntries(trx, orgId, [entry(0), entry(1)]));
      const logged: string[] = [];
      const timer = startCheckpointTimer({
        db: h.database.db, masterKey: async () => MASTER, policy, intervalSeconds: 3600,
        log: { info: (_o, msg) => logged.push(msg), error: (_o, msg) => logged.push(`error: ${msg}`) },
      });
      try {
        const [one, two] = [timer.tick(), timer.tick()];
        expect(one).toBe(two);
        const round = await one;
        expect(round.signed.map((c) => c.orgId)).toContain(orgId);
        expect(logged).toContain('signed ledger checkpoints');
        expect((await timer.tick()).signed.map((c) => c.orgId)).not.toContain(orgId);
      } finally {
        await timer.stop();
      }
    });
  });
});
