import pg from 'pg';

/** A database of its own on the server in DATABASE_URL for `work` (given its URL), dropped afterwards. */
export async function withThrowawayDatabase<T>(prefix: string, work: (url: string) => Promise<T>): Promise<T> {
  const given = process.env.DATABASE_URL ?? '';
  const name = `${prefix}_${String(process.pid)}`;
  const admin = new pg.Client({ connectionString: given });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(given);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
