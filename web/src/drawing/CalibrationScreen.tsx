import { useEffect, useRef, useState } from 'react';
import { formatDecimal, formatNumber, formatTime, t, useI18n } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { cameraPath } from '../router.ts';
import { DrawingCanvas, type Shape } from './DrawingCanvas.tsx';
import { checkCalibration, deleteCalibration, getCalibration, saveCalibration, type CalibrationView, type Point } from './drawing-api.ts';
import { BackLink } from '../components/BackLink.tsx';

interface Row { image: Point; x: string; y: string }
type Fit = NonNullable<CalibrationView['calibration']>;

const metres = (v: string) => (v.trim() === '' ? null : Number(v.replace(',', '.')));

/** The camera's image-to-ground calibration, placed on its still: points, their ground positions, the fit checked by eye. */
export function CalibrationScreen({ id }: { id: string }) {
  useI18n();
  const [rows, setRows] = useState<Row[]>([]);
  const [fit, setFit] = useState<Fit | null>(null);
  const [refused, setRefused] = useState<unknown>(null);
  const [stored, setStored] = useState<Fit | null>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [busy, setBusy] = useState(false);
  // Put into words while rendering, so a language switch reaches it.
  const [message, setMessage] = useState<{ text: () => string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);
  // Two lane lines and known lengths (src/traffic/lane-calibration.ts): near and far ends of line A,
  // then of line B, level across the road; they become four points of a rectangle on the ground.
  const [mode, setMode] = useState<'points' | 'lanes'>('points');
  const [lanes, setLanes] = useState<Point[]>([]);
  const [laneWidth, setLaneWidth] = useState('');
  const [laneLength, setLaneLength] = useState('');

  useEffect(() => {
    getCalibration(id).then((r) => {
      if (!r.calibration) return;
      setStored(r.calibration);
      setFit(r.calibration);
      setRows(r.calibration.points.map((p) => ({ image: p.image, x: String(p.ground[0]), y: String(p.ground[1]) })));
    }, (e: unknown) => setError(e));
  }, [id]);

  const complete = rows.length >= 4 && rows.every((r) => Number.isFinite(metres(r.x)) && Number.isFinite(metres(r.y)) && metres(r.x) !== null && metres(r.y) !== null);
  const body = () => ({ points: rows.map((r) => ({ image: r.image, ground: [metres(r.x)!, metres(r.y)!] as Point })) });

  // The fit follows every change once four or more points have their ground positions.
  useEffect(() => {
    if (!complete) { setFit(null); setRefused(null); return; }
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      checkCalibration(id, body()).then(
        (r) => { if (seq.current === mine) { setFit(r.calibration); setRefused(null); } },
        (e: unknown) => { if (seq.current === mine) { setFit(null); setRefused(e); } },
      );
    }, 250);
    return () => clearTimeout(timer);
    // body() is derived from rows
  }, [id, rows, complete]);

  const edit = (i: number, change: Partial<Row>) => { setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...change } : r))); setMessage(null); };
  const save = async () => {
    setBusy(true); setError(null);
    try {
      const r = await saveCalibration(id, body());
      setStored(r.calibration); setFit(r.calibration);
      const savedAt = r.calibration!.updatedAt;
      setMessage({ text: () => t('cal.saved', { time: formatTime(savedAt) }) });
    } catch (e) { setError(e); } finally { setBusy(false); }
  };
  const remove = async () => {
    setBusy(true); setError(null);
    try { await deleteCalibration(id); setStored(null); setRows([]); setMessage({ text: () => t('cal.removed') }); } catch (e) { setError(e); } finally { setBusy(false); }
  };

  const useLanes = () => {
    const w = metres(laneWidth), l = metres(laneLength);
    if (lanes.length !== 4 || !(w !== null && w > 0) || !(l !== null && l > 0)) return;
    // The same rectangle as laneLinePoints: A at x = 0, B at x = width; near ends at y = 0, far at y = length.
    const ground: Point[] = [[0, 0], [0, l], [w, 0], [w, l]];
    setRows(lanes.map((p, i) => ({ image: p, x: String(ground[i][0]), y: String(ground[i][1]) })));
    setMode('points');
    setLanes([]);
    setMessage(null);
  };
  const lanesReady = lanes.length === 4 && (metres(laneWidth) ?? 0) > 0 && (metres(laneLength) ?? 0) > 0;

  const W = size?.width ?? 0;
  const px = (normalised: number) => formatDecimal(normalised * W, 1);
  const shapes: Shape[] = [
    ...(fit && mode === 'points' ? fit.grid.lines.map((l): Shape => ({ kind: 'polyline', points: l, tone: 'grid' })) : []),
    ...(mode === 'lanes' ? [lanes.slice(0, 2), lanes.slice(2, 4)].filter((l) => l.length === 2).map((l, i): Shape => ({ kind: 'line', points: l, tone: 'rule', label: i === 0 ? 'A' : 'B' })) : []),
  ];

  return (
    <main className="camera-screen" id="content" data-testid="calibration-screen">
      <div className="toolbar">
        <BackLink to={cameraPath(id)} label="draw.backToCamera" />
        <h1 className="toolbar-title">{t('cal.title')}</h1>
        <span className="toolbar-info">{t('cal.help')}</span>
      </div>
      <div className="draw-layout">
        <DrawingCanvas
          cameraId={id}
          shapes={shapes}
          draft={mode === 'points' ? rows.map((r) => r.image) : lanes}
          draftKind="points"
          draftNumbered
          onAdd={mode === 'lanes'
            ? (lanes.length < 4 ? (p) => setLanes((ls) => [...ls, p]) : null)
            : (rows.length < 64 ? (p) => { setRows((rs) => [...rs, { image: p, x: '', y: '' }]); setMessage(null); } : null)}
          onMove={(i, p) => (mode === 'lanes' ? setLanes((ls) => ls.map((q, j) => (j === i ? p : q))) : edit(i, { image: p }))}
          onSize={setSize}
        />
        <aside className="draw-side">
          <div className="segmented" role="radiogroup" aria-label={t('cal.mode')}>
            <button type="button" role="radio" aria-checked={mode === 'points'} className={mode === 'points' ? 'is-active' : undefined} onClick={() => setMode('points')} data-testid="cal-mode-points">{t('cal.mode.points')}</button>
            <button type="button" role="radio" aria-checked={mode === 'lanes'} className={mode === 'lanes' ? 'is-active' : undefined} onClick={() => { setMode('lanes'); setLanes([]); }} data-testid="cal-mode-lanes">{t('cal.mode.lanes')}</button>
          </div>
          {mode === 'lanes' && (
            <section className="panel draw-form" aria-labelledby="cal-lanes-title" data-testid="cal-lanes">
              <h2 id="cal-lanes-title" className="panel-title">{t('cal.mode.lanes')}</h2>
              <p className="muted">{t('cal.lanesHowto')}</p>
              <p className="muted">{t('draw.points', { n: lanes.length })}</p>
              <label className="draw-row">{t('cal.laneWidth')}
                <input type="text" inputMode="decimal" dir="ltr" name="lane-width" value={laneWidth} onChange={(e) => setLaneWidth(e.target.value)} />
              </label>
              <label className="draw-row">{t('cal.laneLength')}
                <input type="text" inputMode="decimal" dir="ltr" name="lane-length" value={laneLength} onChange={(e) => setLaneLength(e.target.value)} />
              </label>
              <div className="draw-row">
                <button type="button" className="button" disabled={lanes.length === 0} onClick={() => setLanes((ls) => ls.slice(0, -1))}>{t('draw.undo')}</button>
                <button type="button" className="button button-primary" disabled={!lanesReady} onClick={useLanes} data-testid="cal-use-lanes">{t('cal.useLanes')}</button>
              </div>
            </section>
          )}
          <section className="panel" aria-labelledby="cal-points-title">
            <h2 id="cal-points-title" className="panel-title">{t('cal.points')}</h2>
            <p className="muted">{t('cal.howto')}</p>
            <table className="table draw-points" data-testid="cal-points">
              <thead><tr><th scope="col">#</th><th scope="col">{t('cal.image')}</th><th scope="col">{t('cal.groundX')}</th><th scope="col">{t('cal.groundY')}</th><th scope="col" className="num">{t('cal.residual')}</th><th /></tr></thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={i} data-testid="cal-row">
                    <td>{formatNumber(i + 1)}</td>
                    <td dir="ltr" className="muted">{W ? `${Math.round(r.image[0] * W)}, ${Math.round(r.image[1] * (size?.height ?? 0))}` : ''}</td>
                    <td><input type="text" inputMode="decimal" dir="ltr" name={`x${i}`} value={r.x} onChange={(e) => edit(i, { x: e.target.value })} aria-label={t('cal.groundXOf', { n: i + 1 })} /></td>
                    <td><input type="text" inputMode="decimal" dir="ltr" name={`y${i}`} value={r.y} onChange={(e) => edit(i, { y: e.target.value })} aria-label={t('cal.groundYOf', { n: i + 1 })} /></td>
                    <td className="num">{fit && fit.residuals[i] && W ? t('cal.px', { px: px(fit.residuals[i].image) }) : ''}</td>
                    <td><button type="button" className="button button-quiet" onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))} aria-label={t('cal.removePoint', { n: i + 1 })}>×</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
            {rows.length < 4 && <p className="muted" data-testid="cal-need">{t('cal.needPoints', { n: rows.length })}</p>}
            {rows.length >= 4 && !complete && <p className="muted">{t('cal.needGround')}</p>}
          </section>

          <section className="panel" aria-labelledby="cal-fit-title" data-testid="cal-fit">
            <h2 id="cal-fit-title" className="panel-title">{t('cal.fit')}</h2>
            {refused !== null && <p className="draw-problem" role="alert" dir="auto" data-testid="cal-refused">{t('cal.refused', { reason: errorText(refused) })}</p>}
            {fit && (
              <dl className="details">
                <div className="detail-row"><dt>{t('cal.rmsImage')}</dt><dd className="draw-figure" data-testid="cal-rms">{W ? t('cal.px', { px: px(fit.rmsImage) }) : formatDecimal(fit.rmsImage, 4)}</dd></div>
                <div className="detail-row"><dt>{t('cal.rmsGround')}</dt><dd className="draw-figure">{t('cal.m', { m: formatDecimal(fit.rmsGroundM, 2) })}</dd></div>
                <div className="detail-row"><dt>{t('cal.scaleError')}</dt><dd className="draw-figure">{t('cal.pct', { pct: formatDecimal(fit.scaleErrorPct, 1) })}</dd></div>
                <div className="detail-row"><dt>{t('cal.grid')}</dt><dd data-testid="cal-grid">{t('cal.gridValue', { m: formatDecimal(fit.grid.step, 0), n: formatNumber(fit.grid.lines.length) })}</dd></div>
              </dl>
            )}
            {fit && <p className="muted">{t('cal.checkByEye')}</p>}
            <div className="draw-row">
              <button type="button" className="button button-primary" disabled={busy || !fit || !complete} onClick={save} data-testid="cal-save">{t('cal.save')}</button>
              {stored && <button type="button" className="button" disabled={busy} onClick={remove} data-testid="cal-remove">{t('cal.remove')}</button>}
            </div>
            {stored && <p className="muted" data-testid="cal-stored">{t('cal.stored', { time: formatTime(stored.updatedAt), n: stored.points.length })}</p>}
            {message && <p className="draw-ok" role="status" data-testid="cal-message">{message.text()}</p>}
            {error !== null && <p className="banner banner-error" role="alert" dir="auto">{errorText(error)}</p>}
            <p className="audit-notice audit-notice-block"><span className="audit-dot" aria-hidden="true" />{t('cal.audited')}</p>
          </section>
        </aside>
      </div>
    </main>
  );
}
