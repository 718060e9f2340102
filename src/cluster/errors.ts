import { VigilError } from '../core/index.ts';

/**
 * Codes: NODE_ID_IN_USE (another live process has this node's identity), NATS_UNREACHABLE (the
 * centre cannot be reached; retried), NODE_ID_INVALID, NODE_UNKNOWN (no live node of that id),
 * NODE_UNREACHABLE (a live node did not answer a proxied request), BAD_REQUEST (a query that cannot be
 * answered as asked, e.g. a health history ending before it starts).
 */
export class ClusterError extends VigilError {}
