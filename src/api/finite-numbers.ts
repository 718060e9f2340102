// Query coercion turns "1e309", "1E400" and "Infinity" into Infinity, and Ajv lets a coerced
// Infinity past `maximum` (the review's 24 answers of 500). JSON bodies can carry 1e309 too.
// Checked once for every route, after validation: no number Vigil takes in is not finite.
import type { FastifyRequest } from 'fastify';

/** The path of the first number in value that is not finite, or null. */
export function nonFinitePath(value: unknown, at: string, depth = 0): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : at;
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const p = nonFinitePath(v, `${at}/${k}`, depth + 1);
    if (p) return p;
  }
  return null;
}

export async function refuseNonFiniteNumbers(req: FastifyRequest): Promise<void> {
  const bad = nonFinitePath(req.query, 'querystring') ?? nonFinitePath(req.params, 'params') ?? nonFinitePath(req.body, 'body');
  if (bad) throw Object.assign(new Error(`${bad} must be a finite number`), { statusCode: 400, validation: true });
}
