import { ValidateBy, type ValidationOptions } from 'class-validator';
import { parsePushTargetUrl, pushStreamKeyProblem } from '../push-target-url.js';

const urlProblem = (value: unknown) => {
  const parsed = parsePushTargetUrl(value);
  return 'problem' in parsed ? parsed.problem : null;
};

/** `rtmp[s]://host[:port]/app` without credentials, query or fragment (see `parsePushTargetUrl`). */
export function IsPushTargetUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPushTargetUrl',
      validator: {
        validate: (value: unknown) => urlProblem(value) === null,
        defaultMessage: (args) => `${args?.property ?? 'url'} ${urlProblem(args?.value) ?? 'is invalid'}`,
      },
    },
    options,
  );
}

/** A target's stream key; the message never repeats the value (it is a secret). */
export function IsPushStreamKey(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPushStreamKey',
      validator: {
        validate: (value: unknown) => pushStreamKeyProblem(value) === null,
        defaultMessage: (args) =>
          `${args?.property ?? 'streamKey'} ${pushStreamKeyProblem(args?.value) ?? 'is invalid'}`,
      },
    },
    options,
  );
}
