import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { ServerProcess } from '@rapidrtmp/test-support';
import { ApiClient } from './api-client.js';

/** The first-run admin the API tests start their server with (ADMIN_EMAIL / ADMIN_PASSWORD). */
export const ADMIN = { email: 'admin@example.com', password: 'admin password 123' };

/** A server on a fresh PostgreSQL database, its first admin signed in. */
export interface AdminServer {
  db: TestDatabase;
  server: ServerProcess;
  admin: ApiClient;
  /** Stops the server and drops the database (what started, if start-up failed half-way). */
  stop(): Promise<void>;
}

/**
 * The API tests register webhooks at 127.0.0.1 (a local receiver, or a closed port), which the default outbound
 * policy refuses; their server allows loopback as an operator would.
 */
const API_TEST_ENV = { OUTBOUND_ALLOW_CIDRS: '127.0.0.0/8,::1/128' };

/** `env` adds or overrides server variables (`OUTBOUND_ALLOW_CIDRS: ''` restores the default policy). */
export async function startAdminServer(databasePrefix: string, env: Record<string, string> = {}): Promise<AdminServer> {
  const db = await createTestDatabase(databasePrefix);
  let server: ServerProcess | undefined;
  const stop = async () => {
    await server?.stop();
    await db.drop();
  };
  try {
    server = await ServerProcess.start({
      env: { DATABASE_URL: db.url, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...API_TEST_ENV, ...env },
    });
    const admin = (await ApiClient.login(server.baseUrl, ADMIN.email, ADMIN.password)).client;
    return { db, server, admin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
