import { VigilError } from '../core/index.ts';

export type SimulatorErrorCode = 'SIM_CLIP_UNKNOWN' | 'SIM_CLIP_UNAVAILABLE' | 'SIM_CLIP_ENCODE' | 'SIM_FFMPEG_MISSING' | 'SIM_BAD_CLIP' | 'SIM_USAGE';

export class SimulatorError extends VigilError {
  declare readonly code: SimulatorErrorCode;
  constructor(code: SimulatorErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
