import { pino, type Logger } from 'pino';

// Secrets never reach the logs: anything that looks like a credential is censored by path.
const redact = [
  'password',
  '*.password',
  'token',
  '*.token',
  '*.refreshToken',
  '*.accessToken',
  '*.passwordHash',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'variables.password',
  'variables.token',
  'variables.input.password',
  'variables.input.token',
];

export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { ...base }, redact: { paths: redact, censor: '[redacted]' } });
}

export type { Logger };
