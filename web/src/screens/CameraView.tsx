import { trafficPath } from '../traffic/TrafficScreen.tsx';
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError, getCamera, listRecordings } from '../api/client.ts';
import type { Camera, RecordingSegment } from '../api/types.ts';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { formatBytes, formatDateTime, formatDecimal, formatNumber, formatTime, t, useI18n } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { LivePlayer } from '../live/LivePlayer.tsx';
import { PlaybackPlayer } from '../playback/PlaybackPlayer.tsx';
import { Timeline } from '../playback/Timeline.tsx';
import { ExportPanel } from '../playback/ExportPanel.tsx';
import { BookmarkPanel, useBookmarks } from '../playback/BookmarkPanel.tsx';
import { investigatePath } from '../playback/InvestigationScreen.tsx';
import { MaskPanel } from '../privacy/MaskPanel.tsx';
import { DetectorPanel } from '../analytics/DetectorPanel.tsx';
import { usePolling } from '../polling.ts';
import { GRID_PATH, calibrationPath, navigate, onLinkClick, purposePath, rulesPath } from '../router.ts';
import { BackLink } from '../components/BackLink.tsx';

const HOUR_MS = 3_600_000;


/** `canConfigure`: the user may read the camera's analytics settings (admin): the detector panel is shown. */
/** `canBookmark`: the user may list and play recordings (not a viewer): bookmarks are shown. */
export function CameraView({ id, me, canConfigure = false, canBookmark = true }: { id: string; me: string; canConfigure?: boolean; canBookmark?: boolean }) {
  useI18n();
  // A viewer would only be refused (and each refusal audited): no bookmark requests for them.
  const { bookmarks, reload: reloadBookmarks } = useBookmarks(canBookmark ? [id] : []);
  const camera = usePolling((signal) => getCamera(id, signal), 2500, id);
  // A viewer may watch live only: no recordings, timeline or export to ask for (each would be refused and audited).
  const recorded = canBookmark;
  const recordings = usePolling((signal) => {
    const now = Date.now();
    return recorded ? listRecordings(id, now - HOUR_MS, now, signal) : Promise.resolve([]);
  }, 10_000, id);

  // null: live; otherwise the wall-clock time playback was asked to start at.
  const [playFrom, setPlayFrom] = useState<number | null>(null);
  const [position, setPosition] = useState<number | null>(null);
  // Bumped when this user's mask view changes (a lift): the live view reconnects to get it.
  const [maskView, setMaskView] = useState(0);
  useEffect(() => {
    setPlayFrom(null);
    setPosition(null);
  }, [id]);
  const seek = (wallMs: number) => {
    setPlayFrom(wallMs);
    setPosition(wallMs);
  };
  const goLive = () => {
    setPlayFrom(null);
    setPosition(null);
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !(event.target instanceof HTMLInputElement)) navigate(GRID_PATH);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const notFound = camera.error instanceof ApiError && camera.error.status === 404;
  const data = camera.data;

  return (
    <main className="camera-screen" id="content">
      <div className="toolbar">
        <BackLink to={GRID_PATH} label="camera.back" />
        {data && <h1 className="toolbar-title" dir="auto">{data.name}</h1>}
        {data && <StatusBadge state={data.enabled ? data.status.state : 'disabled'} />}
        <span className="toolbar-info">{t('camera.keys')}</span>
        {canConfigure && <a className="button" href={rulesPath(id)} onClick={(event) => onLinkClick(event, rulesPath(id))} data-testid="open-rules">{t('draw.openRules')}</a>}
        {canConfigure && <a className="button" href={calibrationPath(id)} onClick={(event) => onLinkClick(event, calibrationPath(id))} data-testid="open-calibration">{t('draw.openCalibration')}</a>}
        {/* issue 13: the camera's purpose, legal basis and retention (admins) */}
        {canConfigure && <a className="button" href={purposePath(id)} onClick={(event) => onLinkClick(event, purposePath(id))} data-testid="open-purpose">{t('cpurpose.link')}</a>}
        <a className="button" href={investigatePath([id], position)} onClick={(event) => onLinkClick(event, investigatePath([id], position))} data-testid="investigate-link">{t('inv.open')}</a>
        {/* issue 14 */}
        <a className="button" href={trafficPath(id)} onClick={(event) => onLinkClick(event, trafficPath(id))} data-testid="camera-traffic-link">{t('tr.dashboard')}</a>
      </div>
      {notFound && <p className="banner banner-error" role="alert">{t('camera.notFound', { id })}</p>}
      {!notFound && camera.error !== null && <p className="banner banner-error" role="alert">{t('camera.loadError', { message: errorText(camera.error) })}</p>}
      {!notFound && (
        <div className="camera-layout">
          <div className="camera-main">
            <section className="camera-video" data-testid="camera-video" data-mode={playFrom === null ? 'live' : 'playback'}>
              {playFrom === null
                ? <LivePlayer key={maskView} cameraId={id} showStats label={data?.name ?? id} />
                : <PlaybackPlayer cameraId={id} fromMs={playFrom} label={data?.name ?? id} onPosition={setPosition} />}
            </section>
            {recorded && <Timeline cameraId={id} position={playFrom === null ? null : position} onSeek={seek} onLive={goLive} bookmarks={bookmarks} />}
          </div>
          <aside className="camera-side">
            <MaskPanel cameraId={id} onChange={() => setMaskView((n) => n + 1)} />
            {data && <CameraDetails camera={data} />}
            {canBookmark && <BookmarkPanel cameras={[{ id, name: data?.name ?? id }]} position={playFrom === null ? null : position} bookmarks={bookmarks} onChanged={reloadBookmarks} onSeek={seek} me={me} />}
            {canConfigure && <DetectorPanel cameraId={id} />}
            {recorded && <ExportPanel key={id} cameraId={id} around={position} />}
            {recorded && <RecordingList segments={recordings.data} error={recordings.error} />}
          </aside>
        </div>
      )}
    </main>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="detail-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function CameraDetails({ camera }: { camera: Camera }) {
  const s = camera.status;
  const none = t('camera.none');
  return (
    <section className="panel" aria-labelledby="details-title">
      <h2 id="details-title" className="panel-title">{t('camera.details')}</h2>
      <dl className="details" data-testid="details">
        <Row label={t('camera.id')}><code>{camera.id}</code></Row>
        <Row label={t('camera.name')}><span dir="auto">{camera.name}</span></Row>
        <Row label={t('camera.url')}><code className="url" dir="ltr">{camera.url}</code></Row>
        <Row label={t('camera.subUrl')}>{camera.subUrl ? <code className="url" dir="ltr">{camera.subUrl}</code> : none}</Row>
        {camera.subUrl && s.subStream && s.subStream !== 'none' && (
          <Row label={t('camera.subStream')}>
            <span className={s.subStream === 'down' ? 'error-text' : undefined}>{t(`camera.subStream.${s.subStream}`)}</span>
          </Row>
        )}
        <Row label={t('camera.transport')}>{camera.transport.toUpperCase()}</Row>
        <Row label={t('camera.state')}><StatusBadge state={camera.enabled ? s.state : 'disabled'} /></Row>
        <Row label={t('camera.resolution')}>{s.width && s.height ? t('camera.resolutionValue', { width: s.width, height: s.height }) : none}</Row>
        <Row label={t('camera.codec')}>{s.codec ?? none}</Row>
        <Row label={t('camera.fps')}>{s.fps !== null ? t('camera.fpsValue', { fps: formatDecimal(s.fps, 1) }) : none}</Row>
        <Row label={t('camera.bitrate')}>{s.bitrateKbps !== null ? t('camera.bitrateValue', { kbps: Math.round(s.bitrateKbps) }) : none}</Row>
        <Row label={t('camera.lastFrame')}>{s.lastFrameAt !== null ? <time dateTime={new Date(s.lastFrameAt).toISOString()}>{formatDateTime(s.lastFrameAt)}</time> : none}</Row>
        <Row label={t('camera.reconnects')}>{formatNumber(s.reconnects)}</Row>
        <Row label={t('camera.recording')}>{camera.record ? t('camera.recordingOn') : t('camera.recordingOff')}</Row>
        {s.error && <Row label={t('camera.error')}><span className="error-text" dir="auto">{s.error}</span></Row>}
      </dl>
    </section>
  );
}

function RecordingList({ segments, error }: { segments: RecordingSegment[] | null; error: unknown }) {
  const sorted = segments ? [...segments].sort((a, b) => b.startMs - a.startMs) : null;
  const totalBytes = sorted?.reduce((sum, segment) => sum + segment.bytes, 0) ?? 0;
  return (
    <section className="panel panel-grow" aria-labelledby="recordings-title">
      <h2 id="recordings-title" className="panel-title">
        {t('recordings.title')}
        {sorted && sorted.length > 0 && <span className="panel-meta">{t('recordings.total', { count: sorted.length, size: formatBytes(totalBytes) })}</span>}
      </h2>
      {error !== null && <p className="banner banner-error" role="alert">{t('recordings.loadError', { message: errorText(error) })}</p>}
      {sorted && sorted.length === 0 && <p className="muted">{t('recordings.empty')}</p>}
      {!sorted && error === null && <p className="muted">{t('app.loading')}</p>}
      {sorted && sorted.length > 0 && (
        <div className="table-scroll">
          <table className="table" data-testid="recordings">
            <thead>
              <tr>
                <th scope="col">{t('recordings.start')}</th>
                <th scope="col">{t('recordings.end')}</th>
                <th scope="col" className="num">{t('recordings.duration')}</th>
                <th scope="col" className="num">{t('recordings.size')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((segment) => (
                <tr key={segment.startMs}>
                  <td><time dateTime={new Date(segment.startMs).toISOString()}>{formatTime(segment.startMs)}</time></td>
                  <td><time dateTime={new Date(segment.endMs).toISOString()}>{formatTime(segment.endMs)}</time></td>
                  <td className="num">{t('recordings.seconds', { seconds: formatDecimal((segment.endMs - segment.startMs) / 1000, 1) })}</td>
                  <td className="num">{formatBytes(segment.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
