// The few SQL operations the migration runner needs, over PGlite or a `pg`
// connection. Deliberately not Prisma: migrations must run before the client
// is created, and a migration script is many statements in one string.
import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";

export type SqlQueryable = {
  /** Runs a script of one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  /** Runs one statement with $1-style parameters and returns its rows. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
};

export type SqlExecutor = SqlQueryable & {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * Identity of the database session. Callers sharing a session are queued
   * in-process, because Postgres advisory locks are re-entrant per session.
   */
  readonly session: object;
};

export function pgliteExecutor(db: PGlite): SqlExecutor {
  return {
    session: db,
    async exec(sql) {
      await db.exec(sql);
    },
    async query<R>(sql: string, params: unknown[] = []) {
      return (await db.query<R>(sql, params)).rows;
    },
    transaction(fn) {
      // PGlite.transaction holds the instance's lock: no other query can
      // interleave with the migration, and a throw rolls back.
      return db.transaction((tx) =>
        fn({
          async exec(sql) {
            await tx.exec(sql);
          },
          async query<R>(sql: string, params: unknown[] = []) {
            return (await tx.query<R>(sql, params)).rows;
          },
        }),
      );
    },
  };
}

/** Over one connected `pg` client (a Client, or a PoolClient kept for the whole run). */
export function pgExecutor(client: pg.ClientBase): SqlExecutor {
  const q: SqlQueryable = {
    async exec(sql) {
      await client.query(sql);
    },
    async query<R>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as R[];
    },
  };
  return {
    ...q,
    session: client,
    async transaction(fn) {
      await client.query("BEGIN");
      try {
        const result = await fn(q);
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      }
    },
  };
}
