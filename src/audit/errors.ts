import { VigilError } from '../core/index.ts';

/** Codes: SERVER_KEY_INVALID (the Ed25519 key on disk is unreadable), CHECKPOINT_FILE_INVALID. */
export class AuditError extends VigilError {}
