// The shared readiness checks: what each reports when its dependency is there, and when it is not.
import test from 'ava';
import { consumerCheck, postgresCheck, readinessProbe } from '../src/readiness.js';

test('postgresCheck is ok when the pool answers and names the error when it does not', async (t) => {
  const queries: string[] = [];
  const up = postgresCheck({
    query: (text) => {
      queries.push(text);
      return Promise.resolve({ rows: [] });
    },
  });
  t.deepEqual(await up(), { name: 'postgres', ok: true });
  t.deepEqual(queries, ['SELECT 1']);
  const down = postgresCheck({
    query: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
  });
  t.deepEqual(await down(), { name: 'postgres', ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:5432' });
});

test('consumerCheck follows the member: ready while in its group, not after it left or crashed', async (t) => {
  const member = { joined: false };
  const check = consumerCheck('express-consumer', member);
  t.like(await check(), { name: 'express-consumer', ok: false });
  member.joined = true;
  t.like(await check(), { name: 'express-consumer', ok: true });
  member.joined = false;
  t.like(await check(), { ok: false });
});

test('readinessProbe lists the infrastructure checks, then the app checks, in order', async (t) => {
  const probe = readinessProbe(
    () =>
      Promise.resolve([
        { name: 'kafka', ok: true },
        { name: 'schema-registry', ok: false, detail: 'HTTP 503' },
      ]),
    postgresCheck({ query: () => Promise.resolve() }),
    consumerCheck('consumer', { joined: true }),
  );
  t.deepEqual(
    (await probe()).map((check) => [check.name, check.ok]),
    [
      ['kafka', true],
      ['schema-registry', false],
      ['postgres', true],
      ['consumer', true],
    ],
  );
});
