import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { SecretBox } from './secret-box.js';
import { loadSecretsKey } from './secrets-key.js';

/** The SecretBox of this server, with the key from SECRETS_ENCRYPTION_KEY or DATA_DIR (read once, at start-up). */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      useFactory: (config: AppConfig) => new SecretBox(loadSecretsKey(config).key),
      inject: [AppConfig],
    },
  ],
  exports: [SecretBox],
})
export class SecretsModule {}
