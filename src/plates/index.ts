// The plates part: reads a vehicle's plate, for a vehicle that committed a violation and for no
// other (issue 14: no mass plate capture). The caller (the violation's evidence) decides when.
export { PlateError, type PlateErrorCode } from './errors.ts';
export { PlateReader, type PlateReading, type PlateReaderOptions, type Picture, type VehicleBox } from './plate-reader.ts';
export { textRegions, mergeLines, type RotatedRect, type TextRegionOptions } from './text-regions.ts';
export { sampleStrip, resizeRegion, type Strip } from './strip.ts';
export { ctcDecode, allowedClasses, type CtcReading } from './ctc.ts';
