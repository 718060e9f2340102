/** The detector part's one error type; `code` is stable so callers and the API can branch on it. */
export type DetectorErrorCode =
  | 'MODEL_FORBIDDEN'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_UNSUPPORTED'
  | 'BACKEND_UNAVAILABLE'
  | 'BAD_INPUT'
  | 'DETECTOR_CLOSED'
  | 'INFERENCE_FAILED';

export class DetectorError extends Error {
  readonly code: DetectorErrorCode;
  constructor(code: DetectorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DetectorError';
    this.code = code;
  }
}
