// Playback of recordings over HTTP: the timeline (spans and gaps), one continuous fMP4 stream for
// Media Source Extensions, and HLS for external players. Every request is authorized and audited
// before any byte of video leaves.
//
// Why plain HTTP (chunked) for the MSE stream and not a WebSocket like live view: a recording is a
// finite file-like thing. HTTP gives TCP back-pressure for free (the server reads the next segment
// only when the browser has taken the last), a seek is simply a new request, and the same URL plays
// in ffplay/curl for an independent check. Live needs a socket because the server pushes as frames
// happen; playback does not.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import { CameraParams, ErrorSchema, TimelineSchema } from './schemas.ts';
import { MAX_TIME_MS } from '../core/index.ts';
import { auditAccess } from './request-checks.ts';
import {
  GAP_MS, PlaybackError, explainGaps, formatTimelinePoints, gapsBetween, hlsMediaSegment, hlsPlaylist, openPlayback, readSegment, readSegmentInit, recordedSpans,
  type HlsSegmentEntry,
} from '../playback/index.ts';
import type { SegmentRow } from '../store/index.ts';
import { PrivacyError, burnFile, burnStream } from '../privacy/index.ts';
import { maskAuditDetails, maskViewFor, purposeDetails, purposeQuery } from './privacy-view.ts';

/** MPEG-TS timestamps wrap at 2^33 ticks of 90 kHz (about 26.5 hours). */
const TS_WRAP_S = 2 ** 33 / 90_000;

/** Longest range one request may cover: bounds the index query and the audit's meaning. */
const MAX_RANGE_MS = 7 * 24 * 3_600_000;

export const RangeQuery = Type.Object(
  {
    from: Type.String({ minLength: 1, maxLength: 40, description: 'start: ms since epoch or ISO 8601' }),
    to: Type.String({ minLength: 1, maxLength: 40, description: 'end: ms since epoch or ISO 8601' }),
    purposeId: Type.Optional(Type.String({ maxLength: 64, description: 'needed past the free window (10 min by default): a purpose from GET /api/purposes' })),
    purposeText: Type.Optional(Type.String({ maxLength: 500, description: 'with purposeId: case, incident or request (audited)' })),
  },
  { additionalProperties: false },
);

/** ms since epoch, or an ISO 8601 date-time. */
export function parseTime(text: string, name: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) throw new PlaybackError('BAD_REQUEST', `querystring/${name}: expected ms since epoch or an ISO 8601 time between 1970 and 9999`, { reason: 'RANGE_INVALID' });
  return ms;
}

export function parseRange(q: { from: string; to: string }): { fromMs: number; toMs: number } {
  const fromMs = parseTime(q.from, 'from');
  const toMs = parseTime(q.to, 'to');
  if (toMs <= fromMs) throw new PlaybackError('BAD_REQUEST', 'querystring/to must be after from', { reason: 'RANGE_INVALID' });
  if (toMs - fromMs > MAX_RANGE_MS) throw new PlaybackError('BAD_REQUEST', 'the range may cover at most 7 days', { reason: 'RANGE_TOO_LONG' });
  return { fromMs, toMs };
}

/** The segments this process can read from its own disk (in a cluster the others' are proxied, cluster-routes.ts). */
export function localSegmentSource(deps: ApiDeps): Pick<ApiDeps['store'], 'listSegments'> {
  const local = deps.cluster;
  return {
    listSegments: async (cameraId, fromMs, toMs, limit) => (await deps.store.listSegments(cameraId, fromMs, toMs, limit)).filter((s) => !local || local.isLocal(s)),
  };
}

export function recordingsDirOf(deps: ApiDeps): string {
  if (!deps.recordingsDir) throw new PlaybackError('NOT_FOUND', 'this server has no recordings directory', { reason: 'NO_RECORDING' });
  return deps.recordingsDir;
}

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
type RangeReq = { Params: Static<typeof CameraParams>; Querystring: Static<typeof RangeQuery> };

/** A masked user asked for the camera's own HLS parts (init, .m4s): refused, the playlist they get names .ts. */
function maskedHls(): PrivacyError {
  return new PrivacyError('FORBIDDEN', 'this camera is masked for you: its HLS playlist names masked MPEG-TS segments (.ts)');
}

export function registerPlaybackRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  // In a cluster this process reads only the files on its own disk; the others' are proxied (cluster-routes.ts).
  const localSegments = localSegmentSource(deps);
  const audit = (req: FastifyRequest, action: 'recording.list' | 'recording.play', cameraId: string, details: Record<string, unknown>) => auditAccess(deps.store, req, action, cameraId, details);

  app.get<RangeReq>(
    '/api/cameras/:id/timeline',
    {
      schema: {
        tags: ['recordings'],
        summary: 'Recorded spans and gaps of a camera in a time range (audited as recording.list)',
        params: CameraParams,
        querystring: RangeQuery,
        response: {
          200: TimelineSchema,
          ...errors,
        },
      },
    },
    async (req) => {
      guard(req, 'recording.list', { type: 'camera', id: req.params.id });
      const { fromMs, toMs } = parseRange(req.query);
      await deps.cameras.get(req.params.id);
      // The timeline shows when something was recorded, not what: the role's look-back limit holds, a purpose is optional.
      const purpose = await purposeDetails(deps, req, fromMs, req.query, false);
      await audit(req, 'recording.list', req.params.id, { from: fromMs, to: toMs, via: 'timeline', ...purpose });
      const segs = await deps.store.listSegments(req.params.id, fromMs, toMs, 10_000);
      const spans = recordedSpans(segs, fromMs, toMs);
      const gaps = explainGaps(gapsBetween(spans, fromMs, toMs), await deps.store.listGaps(req.params.id, fromMs, toMs, 10_000));
      // The hole at the live edge: while the camera records it is only the segment being written
      // (indexed as it goes, a few seconds behind), so no gap; otherwise it has no gap row until
      // video returns, so say what the camera is doing now.
      const last = gaps.at(-1);
      if (last && last.reason === null && last.endMs >= toMs - GAP_MS && toMs >= Date.now() - GAP_MS) {
        const status = deps.runtime.status(req.params.id);
        // status.error is "CODE: message"; the code is what the index would hold.
        if (status.state === 'online') gaps.pop();
        else last.reason = status.state === 'disabled' ? 'DISABLED' : (status.error?.split(':')[0] ?? status.state.toUpperCase());
      }
      return { from: fromMs, to: toMs, spans, gaps };
    },
  );

  app.get<RangeReq>(
    '/api/cameras/:id/playback',
    {
      schema: {
        tags: ['recordings'],
        summary: 'Recordings of a range as one continuous fMP4 stream (audited as recording.play)',
        description:
          'Starts at the keyframe at or before `from`; gaps are skipped (the media clock runs on). Headers: ' +
          'x-vigil-mime (for MSE), x-vigil-start-ms (wall time of media time 0), x-vigil-end-ms, ' +
          'x-vigil-timeline ("wallMs:mediaMs,..." one point per segment), x-vigil-gaps ("start-end,...").',
        params: CameraParams,
        querystring: RangeQuery,
        response: errors,
      },
    },
    async (req, reply) => {
      guard(req, 'recording.play', { type: 'camera', id: req.params.id });
      const { fromMs, toMs } = parseRange(req.query);
      await deps.cameras.get(req.params.id);
      // The purpose first: whether anything was recorded then is itself looking back.
      const purpose = await purposeDetails(deps, req, fromMs, req.query);
      const stream = await openPlayback({ cameraId: req.params.id, fromMs, toMs, recordingsDir: recordingsDirOf(deps), store: localSegments });
      const view = await maskViewFor(deps, req, req.params.id);
      // No audit entry, no video.
      await audit(req, 'recording.play', req.params.id, { from: fromMs, to: toMs, via: 'stream', ...purpose, ...maskAuditDetails(view) });
      // Masks to burn in: the stream is re-encoded (same timing, so the timeline headers hold).
      const out = view.polygons.length ? await burnStream(stream.chunks(), view.polygons) : { mime: stream.mime, chunks: stream.chunks() };
      reply
        .type('video/mp4')
        .header('cache-control', 'no-store')
        .header('x-vigil-mime', out.mime)
        .header('x-vigil-start-ms', String(Math.round(stream.startMs)))
        .header('x-vigil-end-ms', String(Math.round(stream.endMs)))
        .header('x-vigil-timeline', formatTimelinePoints(stream.points))
        .header('x-vigil-gaps', stream.gaps.map((g) => `${g.startMs}-${g.endMs}`).join(','));
      return reply.send(Readable.from(out.chunks, { objectMode: false }));
    },
  );

  app.get<RangeReq>(
    '/api/cameras/:id/hls.m3u8',
    {
      schema: {
        tags: ['recordings'],
        summary: 'HLS (version 7, fMP4) playlist of the recordings in a range (audited as recording.play)',
        params: CameraParams,
        querystring: RangeQuery,
        response: errors,
      },
    },
    async (req, reply) => {
      guard(req, 'recording.play', { type: 'camera', id: req.params.id });
      const { fromMs, toMs } = parseRange(req.query);
      await deps.cameras.get(req.params.id);
      const purpose = await purposeDetails(deps, req, fromMs, req.query);
      const dir = recordingsDirOf(deps);
      const segs = (await localSegments.listSegments(req.params.id, fromMs, toMs, 10_000)).filter((s) => s.endMs > s.startMs);
      if (segs.length === 0) throw new PlaybackError('NOT_FOUND', `no recording of camera ${req.params.id} in the range`, { reason: 'NO_RECORDING' });
      const entries: HlsSegmentEntry[] = [];
      for (const seg of segs) {
        try {
          entries.push({ seg, initKey: createHash('sha256').update(await readSegmentInit(dir, seg)).digest('hex') });
        } catch {
          // unreadable or gone since indexing: left out, the playlist shows a discontinuity
        }
      }
      const view = await maskViewFor(deps, req, req.params.id);
      await audit(req, 'recording.play', req.params.id, { from: fromMs, to: toMs, via: 'hls', ...purpose, ...maskAuditDetails(view) });
      reply.type('application/vnd.apple.mpegurl').header('cache-control', 'no-store');
      return hlsPlaylist(entries, purposeQuery(purpose), view.polygons.length ? 'ts' : 'fmp4');
    },
  );

  async function findSegment(cameraId: string, startText: string): Promise<SegmentRow> {
    const startMs = /^\d{1,15}$/.test(startText) ? Number(startText) : NaN;
    const seg = Number.isFinite(startMs) ? (await localSegments.listSegments(cameraId, startMs, startMs, 50)).find((s) => s.startMs === startMs) : undefined;
    if (!seg) throw new PlaybackError('NOT_FOUND', `camera ${cameraId} has no segment starting at ${startText}`, { reason: 'SEGMENT_NOT_FOUND' });
    return seg;
  }

  const SegParams = Type.Object({ id: Type.String({ maxLength: 64 }), start: Type.String({ maxLength: 30 }) });
  const SegQuery = Type.Object({ purposeId: Type.Optional(Type.String({ maxLength: 64 })), purposeText: Type.Optional(Type.String({ maxLength: 500 })) });

  app.get<{ Params: Static<typeof SegParams>; Querystring: Static<typeof SegQuery> }>(
    '/api/cameras/:id/hls/:start/init.mp4',
    { schema: { tags: ['recordings'], summary: 'HLS init segment (EXT-X-MAP) of one recording', params: SegParams, querystring: SegQuery, response: errors } },
    async (req, reply) => {
      guard(req, 'recording.play', { type: 'camera', id: req.params.id });
      const seg = await findSegment(req.params.id, req.params.start);
      if ((await maskViewFor(deps, req, req.params.id)).polygons.length) throw maskedHls();
      const init = await readSegmentInit(recordingsDirOf(deps), seg);
      const purpose = await purposeDetails(deps, req, seg.startMs, req.query);
      await audit(req, 'recording.play', req.params.id, { from: seg.startMs, to: seg.endMs, via: 'hls-init', ...purpose });
      reply.type('video/mp4').header('cache-control', 'private, max-age=3600');
      return init;
    },
  );

  app.get<{ Params: Static<typeof SegParams>; Querystring: Static<typeof SegQuery> }>(
    '/api/cameras/:id/hls/:start',
    { schema: { tags: ['recordings'], summary: 'HLS media segment (<startMs>.m4s, or .ts when masked) of one recording', params: SegParams, querystring: SegQuery, response: errors } },
    async (req, reply) => {
      guard(req, 'recording.play', { type: 'camera', id: req.params.id });
      const m = /^(\d+)\.(m4s|ts)$/.exec(req.params.start);
      if (!m) throw new PlaybackError('NOT_FOUND', 'expected <startMs>.m4s (or .ts when masked)', { reason: 'SEGMENT_NOT_FOUND' });
      const seg = await findSegment(req.params.id, m[1]);
      const view = await maskViewFor(deps, req, req.params.id);
      const masked = view.polygons.length > 0;
      if (masked !== (m[2] === 'ts')) {
        if (masked) throw maskedHls();
        throw new PlaybackError('NOT_FOUND', 'MPEG-TS segments are only for masked views; this playlist names .m4s', { reason: 'SEGMENT_NOT_FOUND' });
      }
      const { bytes, mp4 } = await readSegment(recordingsDirOf(deps), seg);
      const purpose = await purposeDetails(deps, req, seg.startMs, req.query);
      await audit(req, 'recording.play', req.params.id, { from: seg.startMs, to: seg.endMs, via: 'hls-segment', ...purpose, ...maskAuditDetails(view) });
      if (masked) {
        const ts = await burnFile({ input: bytes, polygons: view.polygons, format: 'mpegts', tsOffsetS: (seg.startMs / 1000) % TS_WRAP_S });
        reply.type('video/mp2t').header('cache-control', 'private, no-store');
        return ts;
      }
      reply.type('video/iso.segment').header('cache-control', 'private, max-age=3600');
      return hlsMediaSegment(seg, bytes, mp4);
    },
  );
}
