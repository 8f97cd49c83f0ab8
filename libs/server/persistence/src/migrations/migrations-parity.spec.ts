import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLES } from '@rapidrtmp/server-access';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../data-source-options.js';
import { migrate } from '../migrate.js';
import { type EmbeddedTestDatabase, startEmbeddedTestDatabase } from '../testing/embedded-test-database.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';

interface SchemaShape {
  columns: string[];
  indexes: string[];
  constraints: string[];
}

/** Reads tables, columns, indexes and constraints in a form that is comparable across servers. */
async function readSchema(dataSource: DataSource): Promise<SchemaShape> {
  const columns = await dataSource.query(`
    SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length
    FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`);
  const indexes = await dataSource.query(`
    SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname`);
  const constraints = await dataSource.query(`
    SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS def
    FROM pg_constraint
    -- PostgreSQL 18 also lists NOT NULL as constraints (contype 'n'); nullability is compared via columns.
    WHERE connamespace = 'public'::regnamespace AND contype <> 'n' ORDER BY 1, 2`);
  return {
    columns: columns.map((c: Record<string, unknown>) => JSON.stringify(c)),
    indexes: indexes.map((i: { indexdef: string }) => i.indexdef.replace(/\bpublic\./g, '')),
    constraints: constraints.map((c: Record<string, unknown>) => JSON.stringify(c)),
  };
}

describe('migrations', () => {
  let server: TestDatabase;
  let serverSource: DataSource;
  let embeddedSource: DataSource;
  let embedded: EmbeddedTestDatabase;

  before(async () => {
    server = await createTestDatabase('rr_migrations');
    serverSource = await new DataSource(dataSourceOptions({ databaseUrl: server.url })).initialize();
    embedded = await startEmbeddedTestDatabase();
    embeddedSource = await new DataSource(dataSourceOptions(embedded.target)).initialize();
    await serverSource.runMigrations({ transaction: 'all' });
    await embeddedSource.runMigrations({ transaction: 'all' });
  });

  after(async () => {
    await serverSource?.destroy();
    await embeddedSource?.destroy();
    await server?.drop();
    await embedded?.drop();
  });

  it('create the same tables, columns, indexes and constraints on PostgreSQL 15 and the embedded PostgreSQL 18', async () => {
    const onServer = await readSchema(serverSource);
    const embedded = await readSchema(embeddedSource);
    assert.ok(onServer.columns.length > 40, `expected the full schema, got ${onServer.columns.length} columns`);
    assert.deepEqual(embedded.columns, onServer.columns);
    assert.deepEqual(embedded.indexes, onServer.indexes);
    assert.deepEqual(embedded.constraints, onServer.constraints);
  });

  it('create every table the entities map', async () => {
    const tables = new Set(
      (await serverSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).map(
        (r: { table_name: string }) => r.table_name,
      ),
    );
    for (const entity of serverSource.entityMetadatas) {
      assert.ok(tables.has(entity.tableName), `missing table ${entity.tableName}`);
      for (const column of entity.columns) {
        const found = await serverSource.query(
          `SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`,
          [entity.tableName, column.databaseName],
        );
        assert.equal(found.length, 1, `missing column ${entity.tableName}.${column.databaseName}`);
      }
    }
  });

  it('are idempotent: a second run applies nothing', async () => {
    assert.deepEqual(await serverSource.runMigrations(), []);
    assert.deepEqual(await embeddedSource.runMigrations(), []);
  });

  it('admit every role of ROLE_TABLE, and nothing else, in users.role (a new role needs a migration)', async () => {
    for (const role of ROLES) {
      await serverSource.query(`INSERT INTO users (email, password_hash, role) VALUES ($1, 'x', $2)`, [
        `${role}@roles.example.com`,
        role,
      ]);
    }
    await assert.rejects(
      serverSource.query(
        `INSERT INTO users (email, password_hash, role) VALUES ('king@roles.example.com', 'x', 'king')`,
      ),
      /users_role_check/,
    );
  });

  it('let the embedded database generate uuids without extensions', async () => {
    const [row] = await embeddedSource.query(
      `INSERT INTO users (email, password_hash, role) VALUES ('a@example.com', 'x', 'admin') RETURNING id`,
    );
    assert.match(row.id, /^[0-9a-f-]{36}$/);
  });

  it('let nodes starting together on an empty database migrate it once, without failing', async () => {
    const fresh = await createTestDatabase('rr_migrate_race');
    const nodes = await Promise.all(
      [1, 2, 3].map(() => new DataSource(dataSourceOptions({ databaseUrl: fresh.url })).initialize()),
    );
    try {
      await Promise.all(nodes.map((node) => migrate(node)));
      const [{ count }] = await nodes[0]!.query('SELECT count(*)::int AS count FROM schema_migrations');
      assert.equal(count, nodes[0]!.migrations.length);
    } finally {
      for (const node of nodes) await node.destroy();
      await fresh.drop();
    }
  });
});
