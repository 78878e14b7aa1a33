import { Command } from 'commander';
import { registerBundle } from './commands/bundle.js';
import { registerDemo } from './commands/demo.js';
import { registerFramework } from './commands/framework.js';
import { registerIngest } from './commands/ingest.js';
import { registerLint } from './commands/lint.js';
import { registerMigrate } from './commands/migrate.js';
import { registerOrg } from './commands/org.js';
import { registerRetention } from './commands/retention.js';
import { registerServe } from './commands/serve.js';
import { registerSoa } from './commands/soa.js';
import { registerToken } from './commands/token.js';
import { registerUser } from './commands/user.js';
import { registerVerify } from './commands/verify.js';
import { registerVendorReviews } from './commands/vendor-reviews.js';
import { EXIT } from './runtime.js';

/** The `tenantproof` command. Every subcommand has --help; exit codes: 0 ok, 1 failed, 2 could not run. */
export function buildProgram(): Command {
  const program = new Command('tenantproof')
    .description('ISO 27001:2022 ISMS for multi-tenant SaaS and managed service providers.')
    .showHelpAfterError()
    .exitOverride((error) => {
      // commander's own usage errors (unknown option, missing argument) are "could not run".
      process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.unusable);
    });
  registerServe(program);
  registerMigrate(program);
  registerDemo(program);
  registerOrg(program);
  registerUser(program);
  registerToken(program);
  registerBundle(program);
  registerIngest(program);
  registerLint(program);
  registerRetention(program);
  registerVerify(program);
  registerVendorReviews(program);
  registerFramework(program);
  registerSoa(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
