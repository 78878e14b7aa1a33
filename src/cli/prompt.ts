import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CliError, EXIT } from './runtime.js';

/** All of standard input as text (for `--password-stdin` and `ingest -`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Ask for a secret on the terminal without echoing it. */
export async function askSecret(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError('no terminal to ask the password on: use --password-stdin or TENANTPROOF_PASSWORD', EXIT.unusable);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  let muted = false;
  output._writeToOutput = (s: string) => { if (!muted) output.output.write(s); };
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/** A file's text, or standard input for `-`; an unreadable file is a "could not run" error naming it. */
export async function readInputFile(file: string): Promise<string> {
  if (file === '-') return readStdin();
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, EXIT.unusable);
  }
}
