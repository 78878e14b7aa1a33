import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Actor } from '../../access/actor.js';
import type { LoginThrottle } from '../../access/login-throttle.js';
import { permissionsOf } from '../../access/permissions.js';
import type { Config } from '../../config.js';
import { LoginRequest, Me } from '../../model/auth.js';
import { login, logout, membershipsOf } from '../../services/auth.js';
import { getOrg } from '../../services/org.js';
import { AppError } from '../errors.js';
import { actorOf, SESSION_COOKIE } from '../plugins/authenticate.js';
import { errorResponses } from '../schemas.js';

async function presentMe(db: Kysely<any>, actor: Actor, csrfToken: string | null) {
  const org = await getOrg(db, actor);
  const organizations = (await membershipsOf(db, actor.userId)).map((m) => ({ orgId: m.orgId, slug: m.slug, name: m.name, role: m.role }));
  return {
    user: { id: actor.userId, email: actor.email, displayName: actor.displayName },
    org, role: actor.role, tenantId: actor.tenantId, via: actor.via, csrfToken,
    permissions: permissionsOf(actor.role) as Record<string, string[]>,
    organizations,
  };
}

export function registerAuthRoutes(app: FastifyInstance, db: Kysely<any>, config: Config, throttle: LoginThrottle): void {
  const tags = ['Authentication'];

  app.post('/api/auth/login', {
    config: { public: true },
    schema: { tags, summary: 'Log in with email and password; sets the session cookie', body: LoginRequest, response: { 200: Me, ...errorResponses } },
  }, async (request, reply) => {
    const wait = throttle.take(request.ip);
    if (wait > 0) throw new AppError('too_many_attempts', `Too many login attempts from this address; try again in ${wait} seconds.`, undefined, { 'retry-after': String(wait) });
    const body = request.body as { email: string; password: string; org?: string };
    const result = await login(db, body, { ip: request.ip, userAgent: String(request.headers['user-agent'] ?? ''), sessionSeconds: config.sessionSeconds, requestId: request.id });
    void reply.setCookie(SESSION_COOKIE, result.sessionToken, {
      path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', expires: result.expiresAt,
    });
    return presentMe(db, result.actor, result.csrfToken);
  });

  app.post('/api/auth/logout', {
    schema: { tags, summary: 'End the session', response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await logout(db, actorOf(request));
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/auth/me', {
    schema: { tags, summary: 'Who is logged in, in which organization, with which permissions', response: { 200: Me, ...errorResponses } },
  }, async (request) => presentMe(db, actorOf(request), request.csrfToken));
}
