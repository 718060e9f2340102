export type DetClass = 'person' | 'bicycle' | 'car' | 'motorcycle' | 'bus' | 'truck';
export interface Detection { cls: DetClass; score: number; /** normalised 0..1, x1<x2, y1<y2 */ box: [number, number, number, number] }
/**
 * An RGB crop (interleaved uint8, w*h*3), where it sits in the frame (normalised), and the model
 * input side it is to be seen at (default: the detector's `inputSize`), so cameras configured for
 * different input sizes can share one detector.
 */
export interface DetectorInput {
  rgb: Uint8Array; width: number; height: number; region: [number, number, number, number]; size?: number;
  /**
   * How a crop that is not square fills the square model input: stretched (the default), or
   * letterboxed — scaled by one factor to fit and the rest filled with the network's mean colour,
   * so objects keep their shape (a 16:9 frame stretched squeezes cars to 0.56 of their width).
   */
  fit?: 'stretch' | 'letterbox';
}
export interface Detector {
  readonly inputSize: number;
  /** the model file it runs, when it runs one (an int8 model's name carries its calibration key) */
  readonly model?: string;
  detect(batch: DetectorInput[]): Promise<Detection[][]>;
  close(): Promise<void>;
}
