// A camera's traffic dashboard (issue 14): vehicles per minute by class (stacked bars, last hour),
// counts and speeds per lane, each lane's speed histogram, and the traffic events of the last
// day — violations with a link to their evidence package, wrong-way and stopped vehicles,
// congestion. Charts are plain SVG; the bars run in time order, right to left in RTL languages.
import { request } from '../api/client.ts';
import type { TrafficDashboard } from '../api/types.ts';
import { formatDecimal, formatNumber, formatTime, t, useI18n } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { usePolling } from '../polling.ts';
import { cameraPath, onLinkClick } from '../router.ts';
import { evidencePath } from './EvidenceScreen.tsx';
import { BackLink } from '../components/BackLink.tsx';

export function trafficPath(cameraId: string): string {
  return `/traffic/${encodeURIComponent(cameraId)}`;
}

const CLASS_COLOURS: Record<string, string> = { car: '#4e9af1', truck: '#f1a24e', bus: '#b36ef0', motorcycle: '#4ec9a0', bicycle: '#e6d24e', person: '#aaaaaa' };
const VIOLATIONS = new Set(['speeding', 'wrong_way', 'stopped_vehicle']);

function CountsOverTime({ d }: { d: TrafficDashboard }) {
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const minutes = Array.from({ length: 60 }, (_, i) => now - (59 - i) * 60_000);
  const classes = [...new Set(d.minutes.map((m) => m.cls))].sort();
  const per = minutes.map((ms) => classes.map((c) => d.minutes.filter((m) => m.minuteMs === ms && m.cls === c).reduce((a, m) => a + m.n, 0)));
  const max = Math.max(1, ...per.map((p) => p.reduce((a, v) => a + v, 0)));
  const W = 600, H = 160, bw = W / minutes.length;
  return (
    <figure className="chart" data-testid="traffic-counts-chart">
      <svg viewBox={`0 0 ${W} ${H + 18}`} role="img" aria-label={t('tr.countsOverTime')}>
        {per.map((p, i) => {
          let y = H;
          return p.map((n, k) => {
            const h = (n / max) * H;
            y -= h;
            return n ? <rect key={`${i}-${k}`} x={i * bw + 1} y={y} width={bw - 2} height={h} fill={CLASS_COLOURS[classes[k]] ?? '#888'}><title>{`${formatTime(minutes[i]).slice(0, 5)} ${t(`alarms.class.${classes[k]}` as 'alarms.class.car')}: ${formatNumber(n)}`}</title></rect> : null;
          });
        })}
        <line x1={0} y1={H} x2={W} y2={H} stroke="currentColor" strokeWidth={1} />
        <text x={0} y={H + 14} fontSize={11} fill="currentColor">{formatTime(minutes[0]).slice(0, 5)}</text>
        <text x={W} y={H + 14} fontSize={11} fill="currentColor" textAnchor="end">{formatTime(minutes[59]).slice(0, 5)}</text>
        <text x={2} y={12} fontSize={11} fill="currentColor">{formatNumber(max)}</text>
      </svg>
      <figcaption className="legend">{classes.map((c) => <span key={c}><i style={{ background: CLASS_COLOURS[c] ?? '#888' }} /> {t(`alarms.class.${c}` as 'alarms.class.car')}</span>)}</figcaption>
    </figure>
  );
}

function Histogram({ bins, binKmh, lane }: { bins: number[]; binKmh: number; lane: string }) {
  const last = Math.max(5, bins.reduce((k, n, i) => (n ? i + 1 : k), 0));
  const shown = bins.slice(0, last);
  const max = Math.max(1, ...shown);
  const W = 300, H = 100, bw = W / shown.length;
  return (
    <svg viewBox={`0 0 ${W} ${H + 16}`} className="histogram" role="img" aria-label={t('tr.histogram', { lane })} data-testid="traffic-histogram">
      {shown.map((n, i) => <rect key={i} x={i * bw + 1} y={H - (n / max) * H} width={bw - 2} height={(n / max) * H} fill="#4e9af1"><title>{`${formatNumber(i * binKmh)}–${formatNumber((i + 1) * binKmh)} km/h: ${formatNumber(n)}`}</title></rect>)}
      <line x1={0} y1={H} x2={W} y2={H} stroke="currentColor" />
      {shown.map((_, i) => (i % 2 === 0 ? <text key={i} x={i * bw} y={H + 13} fontSize={10} fill="currentColor">{formatNumber(i * binKmh)}</text> : null))}
    </svg>
  );
}

export function TrafficScreen({ cameraId }: { cameraId: string }) {
  useI18n();
  const { data, error } = usePolling((signal) => request<TrafficDashboard>('GET', `/api/cameras/${encodeURIComponent(cameraId)}/traffic`, undefined, signal), 5000, cameraId);
  return (
    <main className="traffic-screen" id="content" data-testid="traffic-screen">
      <div className="toolbar">
        <BackLink to={cameraPath(cameraId)} label="draw.backToCamera" />
        <h1 className="toolbar-title" dir="auto">{t('tr.title', { camera: cameraId })}</h1>
        {data && <span className="toolbar-info" data-testid="traffic-running">{data.running && data.since ? t('tr.since', { time: formatTime(data.since) }) : t('tr.notRunning')}</span>}
      </div>
      {error ? <p className="banner banner-error" role="alert">{errorText(error)}</p> : null}
      {data && (
        <div className="traffic-grid">
          <section className="panel traffic-wide">
            <h2>{t('tr.countsOverTime')}</h2>
            <CountsOverTime d={data} />
          </section>
          {data.lanes.map((l) => (
            <section className="panel" key={l.lane} data-testid="traffic-lane">
              <h2 dir="auto">{t('tr.lane', { lane: l.lane })}{l.congested ? ` — ${t('alarms.kind.congestion')}${l.queueM !== null ? ` (${formatDecimal(l.queueM, 0)} m)` : ''}` : ''}</h2>
              <p data-testid="traffic-lane-counts">{Object.entries(l.counts).map(([c, n]) => `${t(`alarms.class.${c}` as 'alarms.class.car')}: ${formatNumber(Number(n))}`).join(' · ') || t('tr.none')}</p>
              <p className="muted" dir="ltr">p50 {l.p50Kmh !== null ? formatDecimal(l.p50Kmh) : '–'} km/h · p85 {l.p85Kmh !== null ? formatDecimal(l.p85Kmh) : '–'} km/h</p>
              <Histogram bins={l.speedHistogram} binKmh={l.binKmh} lane={l.lane} />
            </section>
          ))}
          <section className="panel traffic-wide">
            <h2>{t('tr.events')}</h2>
            {data.events.length === 0 ? <p className="muted">{t('tr.none')}</p> : (
              <table className="table" data-testid="traffic-events">
                <thead><tr><th>{t('tr.time')}</th><th>{t('tr.kind')}</th><th>{t('tr.laneCol')}</th><th>{t('tr.measured')}</th><th /></tr></thead>
                <tbody>
                  {data.events.slice(0, 50).map((e) => (
                    <tr key={e.id} data-testid="traffic-event" data-kind={e.kind}>
                      <td><time dateTime={new Date(e.ts).toISOString()}>{formatTime(e.ts)}</time></td>
                      <td>{t(`alarms.kind.${e.kind}` as 'alarms.kind.speeding')}</td>
                      <td dir="auto">{e.lane}</td>
                      <td dir="ltr">{typeof e.detail.speedKmh === 'number' ? `${formatDecimal(e.detail.speedKmh)} ± ${formatDecimal(Number(e.detail.speedErrKmh ?? 0))} km/h${typeof e.detail.limitKmh === 'number' ? ` / ${formatNumber(e.detail.limitKmh)}` : ''}` : typeof e.detail.queueM === 'number' ? `${formatDecimal(e.detail.queueM, 0)} m` : ''}</td>
                      <td>{VIOLATIONS.has(e.kind) ? <a href={evidencePath(e.id)} onClick={(event) => onLinkClick(event, evidencePath(e.id))} data-testid="traffic-evidence-link">{t('ev.package')}</a> : null}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
      )}
    </main>
  );
}
