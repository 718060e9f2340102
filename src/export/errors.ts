import { VigilError } from '../core/index.ts';

/**
 * Errors of evidence export. Codes reuse the API's generic ones where a status follows from them:
 * BAD_REQUEST (no reason given, bad interval, no camera), NOT_FOUND (unknown export or file,
 * nothing recorded), plus EXPORT_KEY_INVALID (the signing key on disk is unreadable) and
 * EXPORT_FAILED (writing the files failed).
 */
export class ExportError extends VigilError {}
