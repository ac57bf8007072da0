import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { ApiError, httpAdminClient } from './admin-client.js';
import type { Command, CommandOption } from './command.js';
import { UsageError } from './command.js';
import { COMMANDS } from './commands/index.js';
import { runMigrate, runReplay } from './operations.js';
import type { OperationDeps } from './operations.js';
import { cliSettings } from './settings.js';

/** What the CLI runs with; main.ts passes the process's, tests their own. */
export interface CliDeps extends OperationDeps {
  fetch?: typeof fetch;
  secretsFile?: string;
}

const COMMON_OPTIONS: Record<string, CommandOption> = {
  json: { type: 'boolean', description: 'print the API answer as JSON' },
  help: { type: 'boolean', description: 'show this help' },
};

const usageOf = (command: Command) =>
  ['herald', ...command.name, ...command.args.map((arg) => `<${arg}>`), '[options]'].join(' ');

function overview(commands: readonly Command[]): string[] {
  const width = Math.max(...commands.map((c) => c.name.join(' ').length + c.args.join(' ').length + 5));
  const lines = commands.map((c) => {
    const call = [...c.name, ...c.args.map((arg) => `<${arg}>`)].join(' ');
    return `  ${call.padEnd(width)}  ${c.summary}`;
  });
  return [
    'Usage: npm run herald -- <command> [options]',
    '',
    'Administers a Herald over its admin API (HERALD_URL, default http://127.0.0.1:8080; token from',
    'HERALD_ADMIN_TOKEN, in development from .herald/dev-secrets.json).',
    '',
    'Commands:',
    ...lines,
    '',
    'Operations (connect to Postgres and Kafka directly, with DATABASE_URL, KAFKA_BROKERS, ...):',
    '  replay <projection|all> --from kafka|store   Rebuild a read model and swap it in (see replay --help).',
    '  db migrate                                  Apply pending database migrations.',
    '',
    'Every command takes --json and --help.',
  ];
}

function help(command: Command): string[] {
  const options = { ...command.options, ...COMMON_OPTIONS };
  const width = Math.max(...Object.keys(options).map((name) => name.length + 2));
  return [
    `Usage: ${usageOf(command)}`,
    '',
    command.summary,
    '',
    'Options:',
    ...Object.entries(options).map(([name, option]) => {
      const flag = `--${name}${option.type === 'string' ? ' <value>' : ''}`;
      return `  ${flag.padEnd(width + 8)}  ${option.description}`;
    }),
  ];
}

function parse(command: Command, argv: string[]) {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, option] of Object.entries({ ...command.options, ...COMMON_OPTIONS }))
    options[name] = { type: option.type };
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    // No option is declared `multiple`, so every value is a single string or boolean.
    const single: Record<string, string | boolean | undefined> = {};
    for (const [name, value] of Object.entries(values)) if (!Array.isArray(value)) single[name] = value;
    return { values: single, positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function runCommand(command: Command, argv: string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parse(command, argv);
  if (values.help === true) {
    for (const line of help(command)) deps.output.out(line);
    return 0;
  }
  if (positionals.length !== command.args.length)
    throw new UsageError(`expected ${command.args.length} argument(s)\nusage: ${usageOf(command)}`);
  const settings = cliSettings(deps.env, deps.secretsFile);
  const client = httpAdminClient({ ...settings, fetch: deps.fetch });
  await command.run({ client, output: deps.output, json: values.json === true }, positionals, values);
  return 0;
}

/**
 * Runs one CLI invocation and returns the exit code: 0 done, 1 the API refused (its detail is
 * printed), 2 the CLI was called wrongly.
 */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const [group, action] = argv;
  if (group === undefined || group === '--help' || group === '-h' || group === 'help') {
    for (const line of overview(COMMANDS)) (group === undefined ? deps.output.err : deps.output.out)(line);
    return group === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name[0] === group && c.name[1] === action);
  try {
    if (group === 'replay') return await runReplay(argv.slice(1), deps);
    if (group === 'db' && action === 'migrate') return await runMigrate(deps);
    if (!command) {
      const inGroup = COMMANDS.filter((c) => c.name[0] === group);
      throw new UsageError(
        inGroup.length > 0
          ? `${group} needs one of: ${inGroup.map((c) => c.name[1]).join(', ')}`
          : `unknown command "${group}"; run with --help to list the commands`,
      );
    }
    return await runCommand(command, argv.slice(2), deps);
  } catch (error) {
    if (error instanceof ApiError) {
      deps.output.err(
        `error: ${error.message} (${error.code}${error.status ? `, HTTP ${error.status}` : ''})`,
      );
      return 1;
    }
    if (error instanceof UsageError) {
      deps.output.err(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
