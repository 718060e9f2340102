// The control room's home: the security map with live video beside it. Click a camera for its
// live picture, double-click for its page; open alarms pulse at their camera; "who sees this point";
// outage areas; coverage of the sites; placing and turning cameras by hand.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { listCameras } from '../api/client.ts';
import type { Camera } from '../api/types.ts';
import { useAlarmFeed, type Alarm } from '../alarms/alarm-feed.ts';
import { alarmPath } from '../alarms/alarm-api.ts';
import { formatNumber, formatTime, t, useI18n, type MessageKey } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { LivePlayer } from '../live/LivePlayer.tsx';
import { usePolling } from '../polling.ts';
import { cameraPath, navigate } from '../router.ts';
import { startCameraDrag } from '../wall/wall-drag.ts';
import {
  basemapInfo, builtInBasemap, mapCamerasById, mapCoverage, mapOutages, mapSites, mapView, placeCamera, whoSees, type Coverage, type MapCamera, type MapViewData, type Outage, type Site,
} from './map-api.ts';
import { cameraColour, MapView, STATE_COLOURS, type CameraColour } from './map-view.ts';
import { ImportPanel } from './ImportPanel.tsx';
import './map.css';

type Mode = 'browse' | 'whoSees' | 'edit';
type Selection =
  | { kind: 'none' }
  | { kind: 'camera'; id: string }
  | { kind: 'alarm'; alarmId: string; cameraId: string }
  | { kind: 'point'; lon: number; lat: number; cameras: { id: string; distanceM: number }[] | null; error?: unknown };

function kindLabel(kind: string): string {
  const key = `map.kind.${kind}` as MessageKey;
  const text = t(key);
  return text === key ? kind : text;
}

function minutesSince(ms: number, now: number): number {
  return Math.max(0, Math.round((now - ms) / 60_000));
}

export function MapScreen() {
  const catalogue = useI18n();
  const containerRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<MapView | null>(null);
  const [mode, setMode] = useState<Mode>('browse');
  const modeRef = useRef(mode);
  modeRef.current = mode;
  const [selection, setSelection] = useState<Selection>({ kind: 'none' });
  const [placing, setPlacing] = useState<string | null>(null);
  const placingRef = useRef(placing);
  placingRef.current = placing;
  const [saveError, setSaveError] = useState<unknown>(null);
  const [coverage, setCoverage] = useState<Coverage[] | null>(null);
  const [sites, setSites] = useState<Site[]>([]);

  // Each load notes when it started: a view asked for before our last save is stale and dropped.
  const lastSaveRef = useRef(0);
  const outages = usePolling(mapOutages, 3000, 'map-outages');
  const feed = useAlarmFeed();
  const behind = useMemo(() => new Set(Object.keys(feed.behind)), [feed.behind]);
  // The cameras of the view the map rests on (clustered by the server when many), loaded when it
  // comes to rest, every 3 s, and at once after a change of ours (a drag, a new bearing) is saved.
  const [view, setView] = useState<MapViewData | null>(null);
  const viewportRef = useRef<{ bbox: [number, number, number, number]; zoom: number } | null>(null);
  const viewLoad = useRef<AbortController | null>(null);
  const lastViewText = useRef('');
  const loadView = useCallback(() => {
    const vp = viewportRef.current;
    if (!vp) return;
    viewLoad.current?.abort();
    const controller = new AbortController();
    viewLoad.current = controller;
    const startedAt = Date.now();
    mapView(vp.bbox, vp.zoom, controller.signal)
      .then((v) => {
        if (controller.signal.aborted || startedAt < lastSaveRef.current) return;
        // Most polls bring the same view: redrawing it anyway costs a frame of a pan.
        const text = JSON.stringify(v);
        if (text === lastViewText.current) return;
        lastViewText.current = text;
        setView(v);
      })
      .catch(() => {});
  }, []);
  useEffect(() => {
    const timer = setInterval(loadView, 3000);
    return () => { clearInterval(timer); viewLoad.current?.abort(); };
  }, [loadView]);
  // The cameras with an open alarm, wherever they are (an alarm pulses even in a cluster or out of view).
  const openAlarms = useMemo(() => feed.alarms.filter((a) => !a.ack && a.cameraId), [feed.alarms]);
  const alarmCameraIds = useMemo(() => [...new Set(openAlarms.map((a) => a.cameraId!))].sort().join(','), [openAlarms]);
  const [alarmCameras, setAlarmCameras] = useState<MapCamera[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    mapCamerasById(alarmCameraIds ? alarmCameraIds.split(',') : [], controller.signal).then(setAlarmCameras).catch(() => {});
    return () => controller.abort();
  }, [alarmCameraIds]);
  const byId = useMemo(() => new Map([...alarmCameras, ...(view?.cameras ?? [])].map((c) => [c.id, c])), [alarmCameras, view]);

  const refresh = useRef<() => void>(() => {});

  // The map is made once; its callbacks read the latest state through refs.
  useEffect(() => {
    if (!containerRef.current) return;
    const view = new MapView(containerRef.current, {
      onCameraClick: (id) => setSelection({ kind: 'camera', id }),
      onCameraDoubleClick: (id) => navigate(cameraPath(id)),
      onAlarmClick: (alarmId, cameraId) => setSelection({ kind: 'alarm', alarmId, cameraId }),
      onMapClick: (lon, lat) => {
        const toPlace = placingRef.current;
        if (modeRef.current === 'edit' && toPlace) {
          setPlacing(null);
          placeCamera(toPlace, { lon, lat, bearing: 0, angle: 90, range: 60, ptz: false })
            .then(() => { setSelection({ kind: 'camera', id: toPlace }); refresh.current(); })
            .catch((e: unknown) => setSaveError(e));
          return;
        }
        if (modeRef.current !== 'whoSees') return;
        view.showPoint(lon, lat);
        setSelection({ kind: 'point', lon, lat, cameras: null });
        whoSees(lon, lat)
          .then((found) => setSelection({ kind: 'point', lon, lat, cameras: found }))
          .catch((e: unknown) => setSelection({ kind: 'point', lon, lat, cameras: [], error: e }));
      },
      onViewport: (bbox, zoom) => {
        viewportRef.current = { bbox, zoom };
        loadView();
      },
      onPlacementChange: (id, change) => {
        const cam = viewRef.current ? byIdRef.current.get(id) : undefined;
        if (!cam) return;
        setSaveError(null);
        placeCamera(id, { lon: change.lon, lat: change.lat, bearing: change.bearing, angle: cam.angle, range: change.range, ptz: cam.ptz, siteId: cam.siteId })
          .then(() => refresh.current())
          .catch((e: unknown) => setSaveError(e));
      },
    });
    viewRef.current = view;
    // A handle for end-to-end tests and bench/map.ts (pixel of a place, frame times); read-only use.
    (window as unknown as { vigilMap?: unknown }).vigilMap = view.map;
    void basemapInfo().then((info) => {
      if (info.kind !== 'geojson' && info.kind !== 'none') void view.setImportedBasemap(info);
    }).catch(() => {});
    void builtInBasemap().then((doc) => view.setBasemap(doc));
    void mapSites().then((s) => setSites(s)).catch(() => {});
    return () => {
      view.destroy();
      viewRef.current = null;
    };
  }, []);

  const byIdRef = useRef(byId);
  byIdRef.current = byId;
  // After a change of ours, load the view at once rather than at the next poll.
  refresh.current = () => {
    lastSaveRef.current = Date.now();
    loadView();
  };

  useEffect(() => { if (view) void viewRef.current?.setView(view, behind); }, [view, behind]);
  useEffect(() => { void viewRef.current?.setSites(sites, kindLabel); }, [sites, catalogue]);
  useEffect(() => { viewRef.current?.setLabelLanguage(); }, [catalogue]);
  useEffect(() => {
    const now = Date.now();
    void viewRef.current?.setOutages(outages.data?.current ?? [], (o) => t('map.outage.label', { count: o.count, time: formatTime(o.startMs), minutes: minutesSince(o.startMs, now) }));
  }, [outages.data, catalogue]);
  useEffect(() => {
    const placed = new Map(alarmCameras.map((c) => [c.id, c]));
    viewRef.current?.setAlarms(openAlarms.flatMap((a) => {
      const cam = placed.get(a.cameraId!);
      return cam ? [{ id: a.id, cameraId: cam.id, title: `${a.cameraName}: ${a.rule}`, lon: cam.lon, lat: cam.lat }] : [];
    }));
  }, [openAlarms, alarmCameras]);

  const selectedCameraId = selection.kind === 'camera' ? selection.id : selection.kind === 'alarm' ? selection.cameraId : null;
  useEffect(() => { viewRef.current?.select(selectedCameraId); }, [selectedCameraId, view]);
  useEffect(() => {
    viewRef.current?.setEditing(mode === 'edit');
    if (mode !== 'whoSees') viewRef.current?.showPoint(null, null);
  }, [mode]);

  const loadCoverage = useCallback(() => {
    mapCoverage().then(setCoverage).catch(() => setCoverage([]));
  }, []);
  // After the cameras are drawn: coverage of a city's sites costs the server a second it should
  // spend on the first view.
  const viewShown = view !== null;
  useEffect(() => { if (viewShown) loadCoverage(); }, [viewShown, loadCoverage]);

  return (
    <main className="map-screen" id="content" data-testid="map-screen">
      <div className="map-toolbar" role="toolbar" aria-label={t('map.title')}>
        <h1 className="map-title">{t('map.title')}</h1>
        <div className="map-modes">
          {(['browse', 'whoSees', 'edit'] as const).map((m) => (
            <button key={m} type="button" className={`button${mode === m ? ' button-active' : ''}`} aria-pressed={mode === m} data-testid={`mode-${m}`}
              onClick={() => { setMode(m); setPlacing(null); if (m !== 'whoSees' && selection.kind === 'point') setSelection({ kind: 'none' }); }}>
              {t(`map.mode.${m}` as MessageKey)}
            </button>
          ))}
        </div>
        <span className="map-hint muted">{t(`map.hint.${mode}` as MessageKey)}</span>
        <Legend />
      </div>
      <div className="map-body">
        <div className="map-canvas" ref={containerRef} data-testid="map" />
        <aside className="map-panel" data-testid="map-panel" aria-live="polite">
          {saveError !== null && <p className="banner banner-error" role="alert">{t('map.saveError', { message: errorText(saveError) })}</p>}
          <SelectionPanel selection={selection} byId={byId} alarms={feed.alarms} editing={mode === 'edit'} onSaved={() => refresh.current()} onError={setSaveError} />
          {mode === 'edit' && <UnplacedList placing={placing} onPlace={setPlacing} />}
          {mode === 'edit' && (
            <ImportPanel
              onImported={() => { refresh.current(); mapSites().then(setSites).catch(() => {}); loadCoverage(); }}
              onBasemap={(info) => { if (info.kind !== 'geojson' && info.kind !== 'none') void viewRef.current?.setImportedBasemap(info); }}
            />
          )}
          <OutageList current={outages.data?.current ?? []} past={outages.data?.past ?? []} onPick={(o) => {
            // To the middle of its area (its cameras may be out of view, so not loaded here).
            const ring = o.hull.slice(0, -1);
            if (ring.length) viewRef.current?.flyTo(ring.reduce((a, p) => a + p[0]!, 0) / ring.length, ring.reduce((a, p) => a + p[1]!, 0) / ring.length);
          }} />
          <CoverageList coverage={coverage} onRefresh={loadCoverage} />
        </aside>
      </div>
    </main>
  );
}

/** The cameras without a position, to place by a click on the map; loaded only while editing. */
function UnplacedList({ placing, onPlace }: { placing: string | null; onPlace: (id: string) => void }) {
  const allCameras = usePolling(listCameras, 10_000, 'map-all-cameras');
  const unplaced = (allCameras.data ?? []).filter((c: Camera & { position?: unknown }) => c.position === null);
  return (
    <section className="map-section" data-testid="unplaced">
      <h2>{t('map.unplaced.title', { n: unplaced.length })}</h2>
      {unplaced.length === 0 ? <p className="muted">{t('map.unplaced.none')}</p> : (
        <ul className="map-list">
          {unplaced.slice(0, 50).map((c) => (
            <li key={c.id}>
              <button type="button" className={`button${placing === c.id ? ' button-active' : ''}`} data-testid="place-camera" data-camera-id={c.id} onClick={() => onPlace(c.id)}>
                {t('map.unplaced.place', { name: c.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {placing && <p className="map-hint" data-testid="placing-hint">{t('map.unplaced.clickMap')}</p>}
    </section>
  );
}

function Legend() {
  const items: CameraColour[] = ['online', 'connecting', 'offline', 'notRecording', 'behind', 'disabled'];
  return (
    <ul className="map-legend" aria-label={t('map.legend')}>
      {items.map((k) => (
        <li key={k}><span className="map-swatch" style={{ background: STATE_COLOURS[k] }} aria-hidden="true" />{t(`map.state.${k}` as MessageKey)}</li>
      ))}
    </ul>
  );
}

function SelectionPanel({ selection, byId, alarms, editing, onSaved, onError }: {
  selection: Selection; byId: Map<string, MapCamera>; alarms: Alarm[]; editing: boolean; onSaved: () => void; onError: (e: unknown) => void;
}) {
  if (selection.kind === 'none') return <p className="muted map-section" data-testid="map-empty">{t('map.selectHint')}</p>;
  if (selection.kind === 'point') {
    return (
      <section className="map-section" data-testid="who-sees">
        <h2>{t('map.whoSees.title')}</h2>
        {selection.error !== undefined && <p className="banner banner-error">{errorText(selection.error)}</p>}
        {selection.cameras === null ? <p className="muted">{t('app.loading')}</p> : selection.cameras.length === 0 ? (
          <p data-testid="who-sees-none">{t('map.whoSees.none')}</p>
        ) : (
          <>
            <p data-testid="who-sees-count">{t('map.whoSees.count', { n: selection.cameras.length })}</p>
            <div className="map-video-row">
              {selection.cameras.slice(0, 4).map((s) => {
                const cam = byId.get(s.id);
                return (
                  <figure key={s.id} className="map-video" data-testid="who-sees-camera" data-camera-id={s.id}>
                    <LivePlayer cameraId={s.id} label={cam?.name ?? s.id} />
                    <figcaption>{cam?.name ?? s.id} · {t('map.metres', { m: formatNumber(Math.round(s.distanceM)) })}</figcaption>
                  </figure>
                );
              })}
            </div>
          </>
        )}
      </section>
    );
  }
  const cameraId = selection.kind === 'camera' ? selection.id : selection.cameraId;
  const cam = byId.get(cameraId);
  const alarm = selection.kind === 'alarm' ? alarms.find((a) => a.id === selection.alarmId) : undefined;
  return (
    <section className="map-section" data-testid="map-selected" data-camera-id={cameraId}>
      {alarm && (
        <div className="map-alarm-detail" data-testid="map-alarm-detail">
          <h2>{t('map.alarm.title', { rule: alarm.rule })}</h2>
          <p>{formatTime(alarm.firstAt)} · {alarm.cameraName}</p>
          <p><a href={alarmPath(alarm.id)} onClick={(e) => { e.preventDefault(); navigate(alarmPath(alarm.id)); }} data-testid="map-open-alarm">{t('wf.cmd.open')}</a></p>
          {alarm.snapshotUrl && <img className="map-snapshot" src={alarm.snapshotUrl} alt={t('alarms.snapshotAlt', { camera: alarm.cameraName })} />}
        </div>
      )}
      {/* Draggable onto a tile of the video wall open in another window (docs/wall.md). */}
      <h2 data-testid="map-selected-name" draggable onDragStart={(e) => startCameraDrag(e, cameraId)} title={t('wall.dragFromMap')} className="map-draggable">{cam?.name ?? cameraId}</h2>
      {cam && <p className="muted">{t(`map.state.${cameraColour(cam, new Set())}` as MessageKey)}{cam.ptz ? ` · ${t('map.ptz')}` : ''}</p>}
      <div className="map-video map-video-large">
        <LivePlayer key={cameraId} cameraId={cameraId} label={cam?.name ?? cameraId} showClock />
      </div>
      <p><a href={cameraPath(cameraId)} onClick={(e) => { e.preventDefault(); navigate(cameraPath(cameraId)); }} data-testid="open-camera">{t('map.openCamera')}</a></p>
      {editing && cam && <ConeEditor key={`${cam.id}`} cam={cam} onSaved={onSaved} onError={onError} />}
    </section>
  );
}

function ConeEditor({ cam, onSaved, onError }: { cam: MapCamera; onSaved: () => void; onError: (e: unknown) => void }) {
  const [bearing, setBearing] = useState(Math.round(cam.bearing));
  const [angle, setAngle] = useState(Math.round(cam.angle));
  const [range, setRange] = useState(Math.round(cam.range));
  const [ptz, setPtz] = useState(cam.ptz);
  // One save in flight at a time, the newest waiting behind it: parallel PUTs could land out of order,
  // and a camera list refreshed while a save is pending would put back a value the user has already moved past.
  const saving = useRef<{ busy: boolean; next: Parameters<typeof placeCamera>[1] | null }>({ busy: false, next: null });
  useEffect(() => {
    if (saving.current.busy) return;
    setBearing(Math.round(cam.bearing)); setRange(Math.round(cam.range)); setAngle(Math.round(cam.angle)); setPtz(cam.ptz);
  }, [cam]);
  const send = (body: Parameters<typeof placeCamera>[1]) => {
    const s = saving.current;
    if (s.busy) { s.next = body; return; }
    s.busy = true;
    placeCamera(cam.id, body)
      .catch(onError)
      .finally(() => {
        s.busy = false;
        const next = s.next;
        s.next = null;
        if (next) send(next);
        else onSaved();
      });
  };
  const save = (next: Partial<{ bearing: number; angle: number; range: number; ptz: boolean }>) => {
    send({ lon: cam.lon, lat: cam.lat, bearing, angle, range, ptz, siteId: cam.siteId, ...next });
  };
  return (
    <form className="map-cone-editor" data-testid="cone-editor" onSubmit={(e) => e.preventDefault()}>
      <p className="muted">{t('map.edit.hint')}</p>
      <label>{t('map.edit.bearing')}
        <input type="number" min={0} max={359} value={bearing} data-testid="edit-bearing" onChange={(e) => setBearing(Number(e.target.value))} onBlur={() => save({ bearing })} />
      </label>
      <label>{t('map.edit.angle')}
        <input type="range" min={5} max={360} value={angle} data-testid="edit-angle" onChange={(e) => setAngle(Number(e.target.value))} onPointerUp={() => save({ angle })} onKeyUp={() => save({ angle })} />
        <output>{formatNumber(angle)}°</output>
      </label>
      <label>{t('map.edit.range')}
        <input type="number" min={1} max={5000} value={range} data-testid="edit-range" onChange={(e) => setRange(Number(e.target.value))} onBlur={() => save({ range })} />
      </label>
      <label className="map-check"><input type="checkbox" checked={ptz} data-testid="edit-ptz" onChange={(e) => { setPtz(e.target.checked); save({ ptz: e.target.checked }); }} />{t('map.ptz')}</label>
    </form>
  );
}

function OutageList({ current, past, onPick }: { current: Outage[]; past: Outage[]; onPick: (o: Outage) => void }) {
  const now = Date.now();
  return (
    <section className="map-section" data-testid="outages">
      <h2>{t('map.outages.title')}</h2>
      {current.length === 0 ? <p className="muted" data-testid="outages-none">{t('map.outages.none')}</p> : (
        <ul className="map-list">
          {current.map((o) => (
            <li key={o.id} data-testid="outage-now">
              <button type="button" className="link-button" onClick={() => onPick(o)}>
                {t('map.outage.label', { count: o.count, time: formatTime(o.startMs), minutes: minutesSince(o.startMs, now) })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {past.length > 0 && (
        <>
          <h3>{t('map.outages.past')}</h3>
          <ul className="map-list map-list-past">
            {past.slice(0, 10).map((o) => (
              <li key={o.id} data-testid="outage-past">{t('map.outage.past', { count: o.count, time: formatTime(o.startMs), seconds: Math.round(((o.endMs ?? now) - o.startMs) / 1000) })}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function CoverageList({ coverage, onRefresh }: { coverage: Coverage[] | null; onRefresh: () => void }) {
  return (
    <section className="map-section" data-testid="coverage">
      <h2>{t('map.coverage.title')} <button type="button" className="link-button" onClick={onRefresh}>{t('map.coverage.refresh')}</button></h2>
      {coverage === null ? <p className="muted">{t('app.loading')}</p> : coverage.length === 0 ? <p className="muted">{t('map.coverage.none')}</p> : (
        <table className="map-table">
          <thead><tr><th>{t('map.coverage.site')}</th><th>{t('map.coverage.share')}</th><th>{t('map.coverage.cameras')}</th></tr></thead>
          <tbody>
            {coverage.map((c) => (
              <tr key={c.siteId} className={c.share < 0.25 ? 'map-poor' : ''} data-testid="coverage-row">
                <td>{c.name} <span className="muted">({kindLabel(c.kind)}, P{c.priority})</span></td>
                <td>{formatNumber(c.share, { style: 'percent', maximumFractionDigits: 0 })}</td>
                <td>{formatNumber(c.cameraIds.length)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
