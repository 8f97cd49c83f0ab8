import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';

/**
 * Paths that may carry secrets (stream keys, tokens, passwords) are censored in every log line,
 * whatever module logs them. The stream key never belongs in a log line (DESIGN: "the stream key is
 * a secret").
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'streamKey',
  '*.streamKey',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/** One JSON logger per process; modules get children with a `module` binding. */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'rapidrtmp' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
