// The video wall: layouts (1, 2×2, 3×3, 4×4, 1+5, 1+7, custom) and tours. Pure: no HTTP, no SQL; the
// api part stores layouts through the store, the web app draws them with the same cells.
export { WallError, type WallErrorCode } from './errors.ts';
export { LAYOUT_KINDS, MAX_CUSTOM_SIDE, layoutGrid, tileCount, type Cell, type Grid, type LayoutKind } from './layouts.ts';
export { tourPage, tourStep, msToNextStep, type Tour } from './tour.ts';
