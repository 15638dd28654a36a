/**
 * `npm run -s local-stack`: start moto and the fidelity proxy, print one line of JSON (the
 * endpoints) on stdout, run until SIGINT/SIGTERM. Logs go to stderr only.
 */
import { type LocalStack, startLocalStack } from './stack.ts';

let stack: LocalStack;
try {
  stack = await startLocalStack({ region: process.env.SCP_ALT_LOCAL_REGION });
} catch (error) {
  process.stderr.write(`local-stack: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify(stack.info)}\n`);
process.stderr.write('local-stack: running; stop with Ctrl-C\n');

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`local-stack: ${signal}, stopping\n`);
  stack.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`local-stack: stop failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
