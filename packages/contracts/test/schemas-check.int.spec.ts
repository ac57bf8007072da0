import test from 'ava';
import type { ExecutionContext } from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaOf, subjectFor, topics } from '@herald/contracts';
import type { AvroRecordSchema } from '@herald/contracts';
import { requireServices, uniqueId } from '@herald/testkit';

// `npm run schemas:check` as a process, in a throwaway git repository of its own.

const ROOT = join(import.meta.dirname, '..', '..', '..');
const sent = schemaOf('MessageSent');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function checkSchemas(args: string[]): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--conditions=herald-source', '--import', 'tsx', join(ROOT, 'scripts', 'check-schemas.ts'), ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** A git repository with `schemas/MessageSent.avsc` committed as Herald has it today. */
function schemaRepository(t: ExecutionContext) {
  const root = mkdtempSync(join(tmpdir(), 'herald-schemas-check-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const schemas = join(root, 'schemas');
  mkdirSync(schemas);
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      [
        '-c',
        'user.name=Herald test',
        '-c',
        'user.email=test@herald.invalid',
        '-c',
        'commit.gpgsign=false',
        ...args,
      ],
      { cwd: root, stdio: 'pipe', encoding: 'utf8' },
    );
  const write = (schema: AvroRecordSchema) =>
    writeFileSync(join(schemas, 'MessageSent.avsc'), `${JSON.stringify(schema, null, 2)}\n`);
  git('init', '--quiet');
  write(sent);
  git('add', '.');
  git('commit', '--quiet', '-m', 'MessageSent as it is');
  const commit = (message: string) => {
    git('commit', '--quiet', '--all', '-m', message);
    return git('rev-parse', 'HEAD').trim();
  };
  return { schemas, write, commit, first: git('rev-parse', 'HEAD').trim() };
}

const requiredField = { name: 'segments', type: 'int', doc: 'Parts billed.' };
const optionalField = {
  name: 'price_micros',
  type: ['null', 'long'],
  default: null,
  doc: 'What the provider charged.',
};
const withField = (field: AvroRecordSchema['fields'][number]) => ({
  ...sent,
  fields: [...sent.fields, field],
});

test('a new field without a default fails the check with avsc reason, exit 1', async (t) => {
  const repo = schemaRepository(t);
  repo.write(withField(requiredField));
  const run = await checkSchemas(['--schemas', repo.schemas]);
  t.is(run.code, 1, run.stdout + run.stderr);
  t.regex(run.stdout, /INCOMPATIBLE\s+MessageSent\.avsc\s+not backward compatible with \w{10}/);
  t.true(run.stdout.includes('default-less dev.herald.message.MessageSent.segments'), run.stdout);
  t.true(run.stdout.includes(repo.first.slice(0, 10)), 'names the commit it compared with');
});

test('an added optional field passes, exit 0', async (t) => {
  const repo = schemaRepository(t);
  repo.write(withField(optionalField));
  const run = await checkSchemas(['--schemas', repo.schemas]);
  t.is(run.code, 0, run.stdout + run.stderr);
  t.regex(run.stdout, /OK\s+MessageSent\.avsc\s+backward compatible with/);
});

test('a committed incompatible change still fails: HEAD is checked against the version before it', async (t) => {
  const repo = schemaRepository(t);
  repo.write(withField(optionalField));
  const compatible = repo.commit('an optional field');
  repo.write({
    ...sent,
    fields: sent.fields.map((f) => (f.name === 'attempt' ? { ...f, type: 'string' } : f)),
  });
  repo.commit('attempt becomes a string');
  const run = await checkSchemas(['--schemas', repo.schemas]);
  t.is(run.code, 1, run.stdout + run.stderr);
  t.true(run.stdout.includes(`not backward compatible with ${compatible.slice(0, 10)}`), run.stdout);
  t.true(run.stdout.includes('cannot read "int" as "string"'), run.stdout);
});

test('a reformatted schema is not a change: it is checked against the last real change', async (t) => {
  const repo = schemaRepository(t);
  writeFileSync(join(repo.schemas, 'MessageSent.avsc'), JSON.stringify(sent));
  repo.commit('one line');
  const run = await checkSchemas(['--schemas', repo.schemas]);
  t.is(run.code, 0, run.stdout + run.stderr);
  t.regex(run.stdout, /OK\s+MessageSent\.avsc\s+unchanged since it was added/);
});

test('outside a git repository the check cannot run: exit 2, not a pass', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-no-git-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'MessageSent.avsc'), JSON.stringify(sent));
  const run = await checkSchemas(['--schemas', dir]);
  t.is(run.code, 2, run.stdout + run.stderr);
  t.regex(run.stderr, /not a git repository/);
});

test('--registry asks the registry about every subject of the event type', async (t) => {
  const { schemaRegistryUrl } = await requireServices();
  const prefix = `t${uniqueId()}.`;
  const subject = subjectFor(topics(prefix).events, 'MessageSent');
  const headers = { 'Content-Type': 'application/vnd.schemaregistry.v1+json' };
  t.teardown(async () => {
    const url = `${schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}`;
    await fetch(url, { method: 'DELETE' });
    await fetch(`${url}?permanent=true`, { method: 'DELETE' });
  });
  const config = await fetch(`${schemaRegistryUrl}/config/${encodeURIComponent(subject)}`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
  });
  t.true(config.ok, await config.text());
  const registered = await fetch(`${schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ schema: JSON.stringify(sent) }),
  });
  t.true(registered.ok, await registered.text());
  const args = (repo: { schemas: string }) => [
    '--schemas',
    repo.schemas,
    '--registry',
    schemaRegistryUrl,
    '--topic-prefix',
    prefix,
  ];

  const breaking = schemaRepository(t);
  breaking.write(withField(requiredField));
  const refused = await checkSchemas(args(breaking));
  t.is(refused.code, 1, refused.stdout + refused.stderr);
  t.true(refused.stdout.includes(`registry: the registry refuses it for ${subject}`), refused.stdout);

  const optional = schemaRepository(t);
  optional.write(withField(optionalField));
  const accepted = await checkSchemas(args(optional));
  t.is(accepted.code, 0, accepted.stdout + accepted.stderr);
  t.true(accepted.stdout.includes(`registry: compatible with ${subject}`), accepted.stdout);
});
