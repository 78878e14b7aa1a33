import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { newSecret, secretHash } from '../access/secrets.js';
import { AppError } from '../api/errors.js';
import type { ApiToken, ApiTokenCreate } from '../model/token.js';
import { recordChange } from '../ledger/record.js';
import { asActor } from './resources.js';

export const TOKEN_PREFIX = 'tp_';

function present(r: any): ApiToken {
  return {
    id: r.id, name: r.name, userId: r.user_id, ownerEmail: r.email, prefix: r.token_prefix,
    createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at,
  };
}

function query(trx: Transaction<any>, actor: Actor) {
  const q = trx.selectFrom('api_tokens as t').innerJoin('users as u', 'u.user_id', 't.user_id')
    .select(['t.id', 't.name', 't.user_id', 'u.email', 't.token_prefix', 't.created_at', 't.expires_at', 't.revoked_at', 't.last_used_at']);
  // An owner sees every token of the organization; everyone else only their own.
  return actor.role === 'owner' ? q : q.where('t.user_id', '=', actor.userId);
}

export async function listTokens(db: Kysely<any>, actor: Actor): Promise<ApiToken[]> {
  authorize(actor, 'read', 'tokens');
  return asActor(db, actor, async (trx) => (await query(trx, actor).orderBy('t.created_at', 'desc').execute()).map(present));
}

/** Create a token for the actor; the secret is returned once and stored only as a hash. */
export async function createToken(db: Kysely<any>, actor: Actor, input: ApiTokenCreate): Promise<{ token: string; apiToken: ApiToken }> {
  authorize(actor, 'create', 'tokens');
  const token = newSecret(TOKEN_PREFIX);
  const id = randomUUID();
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000).toISOString() : null;
  return asActor(db, actor, async (trx) => {
    await trx.insertInto('api_tokens').values({
      org_id: actor.orgId, id, user_id: actor.userId, name: input.name, token_hash: secretHash(token),
      token_prefix: token.slice(0, 10), expires_at: expiresAt,
    }).execute();
    await recordChange(trx, actor, { action: 'create', objectType: 'api-token', objectId: id, objectSlug: input.name,
      tenantId: actor.tenantId, summary: `Created API token ${input.name}`,
    });
    return { token, apiToken: present((await query(trx, actor).where('t.id', '=', id).executeTakeFirst())!) };
  });
}

export async function revokeToken(db: Kysely<any>, actor: Actor, id: string): Promise<ApiToken> {
  authorize(actor, 'delete', 'tokens');
  return asActor(db, actor, async (trx) => {
    const current = await query(trx, actor).where('t.id', '=', id).executeTakeFirst();
    if (!current) throw new AppError('not_found', 'API token not found.');
    if (!current.revoked_at) {
      await trx.updateTable('api_tokens').set({ revoked_at: new Date().toISOString() }).where('id', '=', id).execute();
      await recordChange(trx, actor, { action: 'revoke', objectType: 'api-token', objectId: id, objectSlug: current.name,
        tenantId: actor.tenantId, summary: `Revoked API token ${current.name}`,
      });
    }
    return present((await query(trx, actor).where('t.id', '=', id).executeTakeFirst())!);
  });
}
