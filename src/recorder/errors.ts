import { VigilError } from '../core/index.ts';

/** Codes: NOT_FOUND (no such evidence lock), BAD_REQUEST (an interval that is not one). */
export class RecorderError extends VigilError {}
