import { VigilError } from '../core/index.ts';

/**
 * Errors of evidence export. Codes reuse the API's generic ones where a status follows from them:
 * BAD_REQUEST (no reason given, bad interval, no camera), NOT_FOUND (unknown export or file,
 * nothing recorded), plus EXPORT_FAILED (writing the files failed). An unreadable signing key is
 * the audit part's SERVER_KEY_INVALID.
 */
export class ExportError extends VigilError {}
