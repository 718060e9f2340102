// The privacy part: what keeps people unidentifiable in what Vigil shows and keeps. Today: heads
// pixelated on alarm snapshots. Privacy masks, redaction of exports, retention policy and the
// public transparency report belong here too.
export { blurHeads, headBand, type HeadBlurOptions, type Box } from './head-blur.ts';
