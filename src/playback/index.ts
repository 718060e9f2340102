// Playback of recordings: a continuous fMP4 stream for the browser (MSE), HLS for external players,
// and the recorded spans/gaps the timeline shows. Reads the segment index and files; no HTTP here.
export { PlaybackError } from './errors.ts';
export { GAP_MS, recordedSpans, gapsBetween, explainGaps, wallTimeAt, mediaTimeAt, formatTimelinePoints, parseTimelinePoints, type TimeSpan, type TimelinePoint, type GapRecord, type ExplainedGap } from './timeline.ts';
export { openPlayback, readSegment, readSegmentInit, segmentFile, fragmentWallMs, keyframeAtOrBefore, type PlaybackStream, type PlaybackRequest, type SegmentSource } from './recorded-stream.ts';
export { hlsPlaylist, hlsMediaSegment, type HlsSegmentEntry } from './hls.ts';
