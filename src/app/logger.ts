import { pino, type Logger } from 'pino';

/** Structured logs on stderr (stdout belongs to CLI output), secrets redacted wherever they appear. */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: ['password', '*.password', 'passwordEnc', '*.passwordEnc', 'req.headers.cookie', 'headers.cookie', 'token'], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}
