import { VigilError } from '../core/index.ts';

/** Stable codes of the evidence part (violation packages). */
export type EvidenceErrorCode =
  /** the event is not a traffic violation (only violations get a package, and a plate reading) */
  | 'NOT_A_VIOLATION'
  /** no package (yet) for this violation */
  | 'EVIDENCE_NOT_FOUND';

export class EvidenceError extends VigilError {
  declare readonly code: EvidenceErrorCode;
  constructor(code: EvidenceErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
