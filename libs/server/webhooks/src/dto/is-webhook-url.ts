import { ValidateBy, type ValidationOptions } from 'class-validator';
import { webhookUrlProblem } from '../url-policy.js';

/** An http(s) URL without credentials or fragment (see `webhookUrlProblem`). */
export function IsWebhookUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isWebhookUrl',
      validator: {
        validate: (value: unknown) => webhookUrlProblem(value) === null,
        defaultMessage: (args) => `${args?.property ?? 'url'} ${webhookUrlProblem(args?.value) ?? 'is invalid'}`,
      },
    },
    options,
  );
}
