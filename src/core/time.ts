// The range of times Vigil accepts and stores: the Unix epoch up to the last millisecond of the
// year 9999. Anything past it is a mistake or an attack (a lock "until 2^53 ms" once stopped
// retention for the whole server: SQLite hands such a value back as a BigInt that cannot be read).

/** 9999-12-31T23:59:59.999Z */
export const MAX_TIME_MS = 253_402_300_799_999;

/** A stored time brought back into [0, MAX_TIME_MS]; not a number: 0. */
export function clampTimeMs(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(MAX_TIME_MS, Math.max(0, value));
}
