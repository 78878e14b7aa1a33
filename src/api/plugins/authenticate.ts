import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Actor } from '../../access/actor.js';
import { sameSecret } from '../../access/secrets.js';
import { actorFromSession, actorFromToken } from '../../services/auth.js';
import { AppError } from '../errors.js';

export const SESSION_COOKIE = 'tp_session';
/** The Swagger UI plugin registers its own routes here; they show the public OpenAPI document. */
export const DOCS_PREFIX = '/api/docs';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    csrfToken: string | null;
  }
  interface FastifyContextConfig {
    /** Routes anyone may call (login, health, OpenAPI). */
    public?: boolean;
    /** The resource a route acts on; the isolation test uses it to find objects to try. */
    resource?: string;
  }
}

/**
 * Who is calling: a bearer API token, or the session cookie (whose writes must carry the CSRF token).
 * Every route is authenticated unless its config says `public: true`.
 */
export function registerAuthentication(app: FastifyInstance, db: Kysely<any>): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('csrfToken', null);
  app.addHook('preHandler', async (request: FastifyRequest, _reply: FastifyReply) => {
    if (request.routeOptions.config?.public) return;
    const url = request.routeOptions.url;
    if (!url) return; // the 404 handler
    if (!url.startsWith('/api/')) return; // the web app's static files and /healthz: only /api/ holds org data
    if (url === DOCS_PREFIX || url.startsWith(`${DOCS_PREFIX}/`)) return; // the API docs UI's own routes

    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new AppError('unauthenticated', 'Authorization must be "Bearer <token>".');
      request.actor = { ...(await actorFromToken(db, match[1]!)), requestId: request.id, sourceIp: request.ip };
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) throw new AppError('unauthenticated');
    const session = await actorFromSession(db, cookie);
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) throw new AppError('csrf_failed');
    }
    request.actor = { ...session.actor, requestId: request.id, sourceIp: request.ip };
    request.csrfToken = session.csrfToken;
  });
}

/** The authenticated actor of a non-public route. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('unauthenticated');
  return request.actor;
}
