import pg from 'pg';
import { redactUrl } from './config.js';
import { InfraError, messageOf } from './errors.js';

/** What a JDBC client (the registry) needs to reach a database on the same server as DATABASE_URL. */
export interface JdbcTarget {
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

/** The database DATABASE_URL names. */
export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
}

/** DATABASE_URL pointed at another database on the same server. */
export function sameServer(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function jdbcTarget(databaseUrl: string, database: string): JdbcTarget {
  const url = new URL(databaseUrl);
  const host = url.hostname === '' ? '127.0.0.1' : url.hostname;
  return {
    url: `jdbc:postgresql://${host}:${url.port === '' ? '5432' : url.port}/${database}`,
    username: decodeURIComponent(url.username) || 'postgres',
    password: decodeURIComponent(url.password),
  };
}

/** A connection to the server's maintenance database `postgres`, or an error naming Postgres and the URL. */
export async function connectMaintenance(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: sameServer(databaseUrl, 'postgres'),
    connectionTimeoutMillis: 5_000,
  });
  // An idle connection dropped by the server must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new InfraError(
      'POSTGRES_UNREACHABLE',
      `PostgreSQL is not reachable at ${redactUrl(databaseUrl)} (${messageOf(error)}). ` +
        'Start PostgreSQL, or set DATABASE_URL to one that is running.',
    );
  }
}

/** Creates the databases that do not exist yet; returns the ones it created. */
export async function ensureDatabases(client: pg.Client, names: readonly string[]): Promise<string[]> {
  const created: string[] = [];
  for (const name of names) {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount !== 0) continue;
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
      created.push(name);
    } catch (error) {
      // 42P04: created meanwhile by someone else, which is just as good.
      if ((error as { code?: unknown }).code !== '42P04') throw error;
    }
  }
  return created;
}

/** True when the server behind DATABASE_URL accepts a connection. */
export async function isPostgresReachable(databaseUrl: string): Promise<boolean> {
  try {
    const client = await connectMaintenance(databaseUrl);
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
