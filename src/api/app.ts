import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { LoginThrottle } from '../access/login-throttle.js';
import type { Config } from '../config.js';
import { AppError, errorBody } from './errors.js';
import { DOCS_PREFIX, registerAuthentication } from './plugins/authenticate.js';
import { registerErrorHandler } from './plugins/errors.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerBundleRoutes } from './routes/bundle.js';
import { registerCatalogRoutes } from './routes/catalogs.js';
import { registerOscalRoutes } from './routes/oscal.js';
import { registerControlExceptionRoutes } from './routes/control-exceptions.js';
import { registerEvidenceRoutes } from './routes/evidence.js';
import { registerLedgerRoutes } from './routes/ledger.js';
import { registerLedgerVerificationRoutes } from './routes/ledger-verifications.js';
import { registerEventRoutes } from './routes/events.js';
import { registerRetentionRoutes } from './routes/retention.js';
import { registerScopeStatementRoutes } from './routes/scope-statement.js';
import { registerSoaRoutes } from './routes/soa.js';
import { registerMemberRoutes } from './routes/members.js';
import { registerOrgRoutes } from './routes/org.js';
import { registerResourceRoutes } from './routes/resources.js';
import { registerRiskRoutes } from './routes/risk.js';
import { registerScopeAnalysisRoutes } from './routes/scope-analysis.js';
import { registerRaciRoutes } from './routes/raci.js';
import { registerRopaRoutes } from './routes/ropa.js';
import { registerVendorReviewRoutes } from './routes/vendor-review.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { LedgerVerificationRunner } from '../services/ledger-verification.js';
import { ErrorResponse } from './schemas.js';
import { validatorCompiler } from './validation.js';

/** Built web app: web/dist at the package root. */
export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

export interface AppOptions {
  db: Kysely<any>;
  config: Config;
  /** Pino logger options, or false for none (tests). */
  logger?: boolean | object;
  /** Runs ledger verifications in the background (default: one of this app's own); stopped when the app closes. */
  verifications?: LedgerVerificationRunner;
}

export async function buildApp({ db, config, logger = false, verifications }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger as any,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    ajv: { customOptions: { removeAdditional: false } },
    requestIdHeader: 'x-request-id',
  });
  app.setValidatorCompiler(validatorCompiler);
  app.addSchema(ErrorResponse);
  registerErrorHandler(app);
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'tenantproof API', version: '1', description: 'ISO 27001:2022 ISMS for multi-tenant providers. Authenticate with the session cookie (web app; writes need X-CSRF-Token) or `Authorization: Bearer <API token>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'tp_session' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX });
  registerAuthentication(app, db);

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(db);
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  registerAuthRoutes(app, db, config, new LoginThrottle());
  registerOrgRoutes(app, db);
  registerResourceRoutes(app, db);
  registerMemberRoutes(app, db);
  registerTokenRoutes(app, db);
  registerBundleRoutes(app, db);
  registerEventRoutes(app, db);
  registerRetentionRoutes(app, db);
  registerScopeStatementRoutes(app, db);
  registerLedgerRoutes(app, db, config);
  const runner = verifications ?? new LedgerVerificationRunner(db, { log: app.log, workerDatabaseUrl: config.databaseUrl });
  app.addHook('onClose', async () => { await runner.stop(); });
  registerLedgerVerificationRoutes(app, runner);
  registerScopeAnalysisRoutes(app, db);
  registerCatalogRoutes(app, db);
  registerOscalRoutes(app, db);
  registerEvidenceRoutes(app, db, config);
  registerControlExceptionRoutes(app, db);
  registerRopaRoutes(app, db);
  registerRaciRoutes(app, db);
  registerVendorReviewRoutes(app, db);
  registerRiskRoutes(app, db);
  registerSoaRoutes(app, db);

  const hasWeb = existsSync(join(WEB_DIST, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false, index: false });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.method !== 'GET') {
      return reply.code(404).send(errorBody(new AppError('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`)));
    }
    if (!hasWeb) return reply.code(404).type('text/plain').send('The web app is not built: run `npm run build`.');
    return reply.type('text/html').sendFile('index.html');
  });
  return app;
}
