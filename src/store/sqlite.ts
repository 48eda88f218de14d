/**
 * The embedded store's connection as Kysely's SQLite dialect uses it, with every prepared
 * statement kept for the life of the process.
 *
 * Why kept: better-sqlite3 12 (the last version for Node 20) wraps statements and databases in
 * Node's `ObjectWrap`, whose destructor, in addons built against Node 24.19 or later headers,
 * aborts the process when a garbage collection with no JavaScript context entered (an idle
 * GC) collects one (nodejs/node#65446). Kysely prepares a statement per query, so the heap
 * would always hold collectable ones. Kept here, none ever becomes garbage: the store runs a
 * bounded set of statement texts (lists are written in chunks of bounded size), each prepared
 * once and reused, which also saves the preparation on every query. Closed databases stay
 * reachable for the same reason.
 */
import Database from 'better-sqlite3'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

/** Every database opened, with its statements: reachable until the process ends. */
const kept: Array<{ database: Database.Database; statements: Map<string, SqliteStatement> }> = []

export function openSqliteDatabase(file: string): SqliteDatabase & { database: Database.Database } {
  const database = new Database(file)
  const statements = new Map<string, SqliteStatement>()
  kept.push({ database, statements })
  return {
    database,
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql)
      if (statement === undefined) {
        statement = database.prepare(sql) as unknown as SqliteStatement
        statements.set(sql, statement)
      }
      return statement
    },
    close() {
      database.close()
    },
  }
}
