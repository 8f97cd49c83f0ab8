import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { FIRST_USER_ROLE } from '@rapidrtmp/server-access';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { PasswordHasher } from './password-hasher.js';
import { UsersRepository } from './users.repository.js';

export const DEFAULT_ADMIN_EMAIL = 'admin@rapidrtmp.local';

export type BootstrapOutcome = 'exists' | 'created' | 'created-with-generated-password';

/**
 * First run: with no admin in the database, creates one from ADMIN_EMAIL / ADMIN_PASSWORD, or with a
 * generated password printed once in the log. Later starts find the admin and do nothing.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger: Logger;

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ module: 'admin-bootstrap' });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAdmin();
  }

  async ensureAdmin(): Promise<BootstrapOutcome> {
    if ((await this.users.countByRole(FIRST_USER_ROLE)) > 0) return 'exists';
    const email = this.config.adminEmail ?? DEFAULT_ADMIN_EMAIL;
    const generated = this.config.adminPassword === undefined;
    const password = this.config.adminPassword ?? randomBytes(18).toString('base64url');
    try {
      await this.users.create(
        { email, passwordHash: await this.hasher.hash(password), role: FIRST_USER_ROLE, displayName: 'Administrator' },
        null,
      );
    } catch (error) {
      // Another node created it first (unique email index): that is the desired end state.
      if ((await this.users.countByRole(FIRST_USER_ROLE)) > 0) return 'exists';
      throw error;
    }
    if (generated) {
      // Printed once, on purpose: the operator has no other way to learn it. Set ADMIN_PASSWORD to avoid this.
      this.logger.warn(
        `First run: created admin ${email} with generated password ${password} - log in at ${this.config.publicUrl}/ and change it`,
      );
      return 'created-with-generated-password';
    }
    this.logger.info({ email }, `First run: created admin ${email} from ADMIN_EMAIL/ADMIN_PASSWORD`);
    return 'created';
  }
}
