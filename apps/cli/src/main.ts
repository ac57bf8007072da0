// `npm run herald -- <command>`: the Herald admin CLI.
import { runCli } from './run.js';

// Ctrl-C interrupts a replay after the batch in hand; a second Ctrl-C exits at once.
const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort();
  process.once('SIGINT', () => process.exit(130));
});

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  signal: interrupt.signal,
  progress: { write: (text) => process.stderr.write(text), isTTY: process.stderr.isTTY },
  output: {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
});
