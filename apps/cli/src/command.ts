import type { AdminClient } from './admin-client.js';

/** Where a command writes; the process streams in main.ts, buffers in tests. */
export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** What a command gets when it runs. */
export interface CommandContext {
  client: AdminClient;
  output: Output;
  /** Print the API's JSON instead of the human-readable form. */
  json: boolean;
}

/** An option of a command, as node:util parseArgs takes it, with its help text. */
export interface CommandOption {
  type: 'string' | 'boolean';
  description: string;
}

/** One CLI command (`tenant create`, `key issue`, ...): one file each under commands/. */
export interface Command {
  /** The words that select it, e.g. ['tenant', 'create']. */
  name: [string, string];
  summary: string;
  /** Positional arguments, in order; all required. */
  args: string[];
  options: Record<string, CommandOption>;
  run: (
    context: CommandContext,
    args: string[],
    options: Record<string, string | boolean | undefined>,
  ) => Promise<void>;
}

/** A mistake in how the CLI was called (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
