import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@rapidrtmp/server-config';
import { createLogger } from '@rapidrtmp/server-logging';
import { AuditEventEntity, dataSourceOptions, UserEntity } from '@rapidrtmp/server-persistence';
import {
  createTestDatabase,
  type EmbeddedTestDatabase,
  startEmbeddedTestDatabase,
  type TestDatabase,
} from '@rapidrtmp/server-persistence/testing';
import { DataSource } from 'typeorm';
import { AdminBootstrapService, DEFAULT_ADMIN_EMAIL } from './admin-bootstrap.service.js';
import { PasswordHasher } from './password-hasher.js';
import { UsersRepository } from './users.repository.js';

function captureLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

function bootstrapper(dataSource: DataSource, env: Record<string, string>) {
  const { logger, lines } = captureLogger();
  const service = new AdminBootstrapService(
    loadConfig(env),
    new UsersRepository(dataSource.getRepository(UserEntity), dataSource.getRepository(AuditEventEntity)),
    new PasswordHasher(),
    logger,
  );
  return { service, lines };
}

for (const backend of ['postgres', 'embedded'] as const) {
  describe(`admin bootstrap on ${backend}`, () => {
    let dataSource: DataSource;
    let database: TestDatabase | EmbeddedTestDatabase;

    before(async () => {
      if (backend === 'postgres') {
        const server = await createTestDatabase('rr_bootstrap');
        database = server;
        dataSource = new DataSource(dataSourceOptions({ databaseUrl: server.url }));
      } else {
        const embedded = await startEmbeddedTestDatabase();
        database = embedded;
        dataSource = new DataSource(dataSourceOptions(embedded.target));
      }
      await dataSource.initialize();
      await dataSource.runMigrations();
    });

    after(async () => {
      await dataSource.destroy();
      await database?.drop();
    });

    it('creates the configured admin once, with an argon2id hash, and audits it', async () => {
      const env = { ADMIN_EMAIL: 'Boss@Example.org', ADMIN_PASSWORD: 'twelve chars or more' };
      const first = bootstrapper(dataSource, env);
      assert.equal(await first.service.ensureAdmin(), 'created');
      assert.equal(await bootstrapper(dataSource, env).service.ensureAdmin(), 'exists');

      const admins = await dataSource.getRepository(UserEntity).find({ where: { role: 'admin' } });
      assert.equal(admins.length, 1);
      assert.equal(admins[0]!.email, 'boss@example.org');
      assert.match(admins[0]!.passwordHash, /^\$argon2id\$/);
      const hasher = new PasswordHasher();
      assert.equal(await hasher.verify(admins[0]!.passwordHash, 'twelve chars or more'), true);
      assert.equal(await hasher.verify(admins[0]!.passwordHash, 'wrong password!!'), false);
      assert.ok(!first.lines.join('').includes('twelve chars or more'), 'a configured password is never logged');

      const audit = await dataSource.getRepository(AuditEventEntity).find({ where: { action: 'user.created' } });
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.targetId, admins[0]!.id);
    });

    it('generates a strong password and prints it exactly once when none is configured', async () => {
      await dataSource.query('DELETE FROM users');
      const first = bootstrapper(dataSource, {});
      assert.equal(await first.service.ensureAdmin(), 'created-with-generated-password');
      const printed = first.lines.filter((l) => l.includes('generated password'));
      assert.equal(printed.length, 1);
      const password = /generated password (\S+) /.exec(printed[0]!)?.[1];
      assert.ok(password && password.length >= 24, 'at least 24 characters (144 random bits)');

      const [admin] = await dataSource.getRepository(UserEntity).find({ where: { role: 'admin' } });
      assert.equal(admin!.email, DEFAULT_ADMIN_EMAIL);
      assert.equal(await new PasswordHasher().verify(admin!.passwordHash, password), true);

      const again = bootstrapper(dataSource, {});
      assert.equal(await again.service.ensureAdmin(), 'exists');
      assert.equal(again.lines.filter((l) => l.includes('generated password')).length, 0);
    });
  });
}
