import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { Camera, User } from '../api/types.ts';
import { t, useI18n } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { LivePlayer } from '../live/LivePlayer.tsx';
import { loadAlarm, alarmPath } from '../alarms/alarm-api.ts';
import { onLinkClick } from '../router.ts';
// The server's own pure layout and tour arithmetic, so the wall draws what the server accepts.
import { LAYOUT_KINDS, MAX_CUSTOM_SIDE, layoutGrid, type LayoutKind } from '../../../src/wall/layouts.ts';
import { tourPage, tourStep, msToNextStep, type Tour } from '../../../src/wall/tour.ts';
import { createLayout, deleteLayout, listLayouts, updateLayout, type WallLayout, type WallSpec } from './wall-api.ts';
import { listenForPushes } from './wall-push.ts';
import { carriesCamera, droppedCamera, startCameraDrag } from './wall-drag.ts';
import './wall.css';

// The video wall: a layout of live tiles (1, 2×2, 3×3, 4×4, 1+5, 1+7, custom), cameras dragged in
// from the list, saved per user or shared, a tour that shows its cameras in turn, full screen for
// a tile or the whole wall, and alarms pushed into a tile from the alarm screen.

const LAST_KEY = 'vigil.wall.last';

interface Draft {
  layout: LayoutKind;
  cols: number;
  rows: number;
  tiles: (string | null)[];
  tour: Tour | null;
}

interface Pushed {
  alarmId: string;
  cameraId: string;
  text: string;
}

/** At least `count` tiles; those past the layout are kept, so a smaller layout and back loses nothing. */
function resized(tiles: (string | null)[], count: number): (string | null)[] {
  return Array.from({ length: Math.max(count, tiles.length) }, (_, i) => tiles[i] ?? null);
}

function draftOf(spec: WallSpec): Draft {
  return { layout: spec.layout, cols: spec.cols ?? 3, rows: spec.rows ?? 2, tiles: [...spec.tiles], tour: spec.tour ?? null };
}

function specOf(d: Draft): WallSpec {
  const count = layoutGrid(d.layout, d.cols, d.rows).cells.length;
  return { layout: d.layout, ...(d.layout === 'custom' ? { cols: d.cols, rows: d.rows } : {}), tiles: resized(d.tiles, count).slice(0, count), tour: d.tour };
}

function fullScreen(element: Element | null): void {
  if (!element) return;
  if (document.fullscreenElement === element) void document.exitFullscreen().catch(() => undefined);
  else void element.requestFullscreen().catch(() => undefined);
}

export function WallScreen({ user, cameras }: { user: User; cameras: Camera[] | null }) {
  useI18n();
  const [draft, setDraft] = useState<Draft>({ layout: '2x2', cols: 3, rows: 2, tiles: [null, null, null, null], tour: null });
  const [touched, setTouched] = useState(false);
  const [saved, setSaved] = useState<WallLayout[]>([]);
  const [current, setCurrent] = useState<WallLayout | null>(null);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [selected, setSelected] = useState(0);
  const [filter, setFilter] = useState('');
  // Kept as a function and called while rendering, so a language switch also changes the banner.
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: () => string } | null>(null);
  const [tourStart, setTourStart] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [pushed, setPushed] = useState<Record<number, Pushed>>({});
  const wallRef = useRef<HTMLDivElement>(null);
  const canShare = user.role === 'admin' || user.role === 'supervisor';

  const byId = useMemo(() => new Map((cameras ?? []).map((c) => [c.id, c])), [cameras]);
  const grid = useMemo(() => layoutGrid(draft.layout, draft.cols, draft.rows), [draft.layout, draft.cols, draft.rows]);

  const load = useCallback((layout: WallLayout) => {
    setCurrent(layout);
    setName(layout.name);
    setShared(layout.shared);
    setDraft(draftOf(layout.spec));
    setTouched(true);
    setTourStart(null);
    setSelected(0);
    try { localStorage.setItem(LAST_KEY, layout.id); } catch { /* not remembered */ }
  }, []);

  // The saved walls; the one used last comes back.
  const arranged = useRef(false);
  useEffect(() => {
    const abort = new AbortController();
    listLayouts(abort.signal)
      .then((layouts) => {
        setSaved(layouts);
        let last: string | null = null;
        try { last = localStorage.getItem(LAST_KEY); } catch { /* none */ }
        const again = layouts.find((l) => l.id === last);
        // A layout picked or a camera placed while the list was on its way is not undone by it.
        if (again && !arranged.current) load(again);
      })
      .catch((e: unknown) => { if (!abort.signal.aborted) setMessage({ kind: 'error', text: () => t('wall.loadError', { message: errorText(e) }) }); });
    return () => abort.abort();
  }, [load]);

  // A first visit: the first cameras fill the wall rather than an empty grid.
  useEffect(() => {
    if (touched || !cameras || cameras.length === 0) return;
    setDraft((d) => ({ ...d, tiles: d.tiles.map((_, i) => cameras[i]?.id ?? null) }));
    setTouched(true);
  }, [cameras, touched]);

  // The tour's clock: a re-render at each step (and a countdown every second).
  useEffect(() => {
    if (tourStart === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [tourStart]);

  const push = useCallback((alarmId: string, tile: number) => {
    loadAlarm(alarmId)
      .then(({ alarm }) => {
        setPushed((p) => ({ ...p, [tile]: { alarmId, cameraId: alarm.cameraId, text: t('wall.pushedAlarm', { rule: alarm.rule, priority: alarm.priority }) } }));
        setMessage({ kind: 'ok', text: () => t('wall.pushedTo', { camera: alarm.cameraName, tile: tile + 1 }) });
      })
      .catch((e: unknown) => setMessage({ kind: 'error', text: () => t('wall.pushError', { message: errorText(e) }) }));
  }, []);

  // Pushed from the alarm screen: through the address (this window) or from another window.
  useEffect(() => {
    const q = new URLSearchParams(location.search);
    const alarm = q.get('alarm');
    if (alarm) push(alarm, Math.max(0, Number(q.get('tile') ?? 0) || 0));
    return listenForPushes(push);
  }, [push]);

  const setLayout = (layout: LayoutKind, cols = draft.cols, rows = draft.rows) => {
    arranged.current = true;
    const count = layoutGrid(layout, cols, rows).cells.length;
    setDraft((d) => ({ ...d, layout, cols, rows, tiles: resized(d.tiles, count) }));
    setSelected((s) => Math.min(s, count - 1));
  };
  const place = (tile: number, cameraId: string | null) => {
    arranged.current = true;
    setDraft((d) => ({ ...d, tiles: d.tiles.map((c, i) => (i === tile ? cameraId : c)) }));
    // Whatever lands on the tile replaces a pushed alarm there (wherever it was pushed from).
    setPushed((p) => Object.fromEntries(Object.entries(p).filter(([k]) => Math.min(Number(k), grid.cells.length - 1) !== tile)));
  };
  const setTour = (tour: Tour | null) => setDraft((d) => ({ ...d, tour }));
  const addToTour = (cameraId: string) => {
    const tour = draft.tour ?? { dwellSeconds: 10, cameraIds: [] };
    if (!tour.cameraIds.includes(cameraId)) setTour({ ...tour, cameraIds: [...tour.cameraIds, cameraId] });
  };

  const save = async (asNew: boolean) => {
    setMessage(null);
    const input = { name: name.trim() || t('wall.untitled'), shared, spec: specOf(draft) };
    try {
      const layout = !asNew && current?.editable ? await updateLayout(current.id, { ...input, version: current.version }) : await createLayout(input);
      setSaved((list) => [...list.filter((l) => l.id !== layout.id), layout].sort((a, b) => a.name.localeCompare(b.name)));
      setCurrent(layout);
      try { localStorage.setItem(LAST_KEY, layout.id); } catch { /* not remembered */ }
      setMessage({ kind: 'ok', text: () => t('wall.saved', { name: layout.name }) });
    } catch (e) {
      setMessage({ kind: 'error', text: () => t('wall.saveError', { message: errorText(e) }) });
    }
  };
  const remove = async () => {
    if (!current) return;
    try {
      await deleteLayout(current.id);
      setSaved((list) => list.filter((l) => l.id !== current.id));
      setMessage({ kind: 'ok', text: () => t('wall.deleted', { name: current.name }) });
      setCurrent(null);
    } catch (e) {
      setMessage({ kind: 'error', text: () => t('wall.saveError', { message: errorText(e) }) });
    }
  };

  const touring = tourStart !== null && draft.tour !== null && draft.tour.cameraIds.length > 0;
  const step = touring ? tourStep(draft.tour!, tourStart!, now) : 0;
  const shown: (string | null)[] = touring ? tourPage(draft.tour!, grid.cells.length, step) : draft.tiles;
  // A push to a tile the layout does not have lands on its last tile.
  const pushedOn: Record<number, Pushed> = {};
  for (const [k, p] of Object.entries(pushed)) pushedOn[Math.min(Number(k), grid.cells.length - 1)] = p;
  const visible = (cameras ?? []).filter((c) => {
    const needle = filter.trim().toLocaleLowerCase();
    return needle === '' || c.name.toLocaleLowerCase().includes(needle) || c.id.toLocaleLowerCase().includes(needle);
  });

  return (
    <main className="wall-screen" id="content" data-testid="wall-screen">
      <div className="toolbar wall-toolbar" role="toolbar" aria-label={t('wall.title')}>
        <h1 className="toolbar-title">{t('wall.title')}</h1>
        <div className="segmented" role="radiogroup" aria-label={t('wall.layout')}>
          {LAYOUT_KINDS.map((k) => (
            <button key={k} type="button" role="radio" aria-checked={draft.layout === k} className={draft.layout === k ? 'is-active' : ''} onClick={() => setLayout(k)} data-testid={`wall-layout-${k}`}>
              {k === 'custom' ? t('wall.custom') : k.replace('x', '×')}
            </button>
          ))}
        </div>
        {draft.layout === 'custom' && (
          <span className="wall-custom">
            <input type="number" min={1} max={MAX_CUSTOM_SIDE} value={draft.cols} aria-label={t('wall.cols')} onChange={(e) => setLayout('custom', Math.min(MAX_CUSTOM_SIDE, Math.max(1, Number(e.target.value) || 1)), draft.rows)} data-testid="wall-cols" />
            ×
            <input type="number" min={1} max={MAX_CUSTOM_SIDE} value={draft.rows} aria-label={t('wall.rows')} onChange={(e) => setLayout('custom', draft.cols, Math.min(MAX_CUSTOM_SIDE, Math.max(1, Number(e.target.value) || 1)))} data-testid="wall-rows" />
          </span>
        )}
        <label className="wall-saved">
          <span className="visually-hidden">{t('wall.savedLayouts')}</span>
          <select value={current?.id ?? ''} onChange={(e) => { const l = saved.find((x) => x.id === e.target.value); if (l) load(l); }} aria-label={t('wall.savedLayouts')} data-testid="wall-saved">
            <option value="">{t('wall.savedLayouts')}</option>
            {saved.map((l) => <option key={l.id} value={l.id}>{l.shared ? `${l.name} · ${t('wall.sharedMark')}` : l.name}</option>)}
          </select>
        </label>
        <input type="text" className="wall-name" value={name} maxLength={80} placeholder={t('wall.name')} aria-label={t('wall.name')} onChange={(e) => setName(e.target.value)} data-testid="wall-name" />
        {canShare && (
          <label className="wall-check">
            <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} data-testid="wall-shared" /> {t('wall.shared')}
          </label>
        )}
        <button type="button" className="button button-primary" onClick={() => void save(false)} data-testid="wall-save">{current?.editable ? t('wall.save') : t('wall.saveNew')}</button>
        {current?.editable && <button type="button" className="button" onClick={() => void save(true)} data-testid="wall-save-new">{t('wall.saveNew')}</button>}
        {current?.editable && <button type="button" className="button button-quiet" onClick={() => void remove()} data-testid="wall-delete">{t('wall.delete')}</button>}
        <button type="button" className="button wall-fullscreen-all" onClick={() => fullScreen(wallRef.current)} data-testid="wall-fullscreen">{t('wall.fullscreen')}</button>
      </div>
      {message && <p className={`banner ${message.kind === 'error' ? 'banner-error' : 'banner-ok'}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="wall-message">{message.text()}</p>}
      <div className="wall-body">
        <aside className="wall-side" aria-label={t('wall.cameras')}>
          <input type="search" value={filter} placeholder={t('grid.filterPlaceholder')} aria-label={t('grid.filter')} onChange={(e) => setFilter(e.target.value)} data-testid="wall-filter" />
          <p className="muted wall-hint">{t('wall.dragHint')}</p>
          <ul className="wall-cameras" data-testid="wall-cameras">
            {visible.map((c) => (
              <li
                key={c.id}
                className="wall-camera"
                draggable
                onDragStart={(e) => startCameraDrag(e, c.id)}
                data-testid="wall-camera"
                data-camera-id={c.id}
              >
                <button type="button" className="link-button wall-camera-name" onClick={() => place(selected, c.id)} title={t('wall.placeInTile', { n: selected + 1 })} dir="auto">{c.name}</button>
                <button type="button" className="button button-quiet wall-tour-add" onClick={() => addToTour(c.id)} aria-label={t('wall.addToTour', { name: c.name })} title={t('wall.addToTour', { name: c.name })} data-testid="wall-tour-add">+</button>
              </li>
            ))}
          </ul>
          <section className="wall-tour" aria-labelledby="wall-tour-title" data-testid="wall-tour">
            <h2 id="wall-tour-title" className="panel-title">{t('wall.tour')}</h2>
            <label className="wall-dwell">
              {t('wall.dwell')}{' '}
              <input type="number" min={3} max={3600} value={draft.tour?.dwellSeconds ?? 10} onChange={(e) => setTour({ dwellSeconds: Math.min(3600, Math.max(3, Number(e.target.value) || 10)), cameraIds: draft.tour?.cameraIds ?? [] })} data-testid="wall-dwell" />
            </label>
            {(draft.tour?.cameraIds.length ?? 0) === 0 ? <p className="muted">{t('wall.tourEmpty')}</p> : (
              <ol className="wall-tour-list" data-testid="wall-tour-list">
                {draft.tour!.cameraIds.map((id) => (
                  <li key={id}>
                    <span dir="auto">{byId.get(id)?.name ?? id}</span>
                    <button type="button" className="link-button" onClick={() => setTour({ ...draft.tour!, cameraIds: draft.tour!.cameraIds.filter((x) => x !== id) })} aria-label={t('wall.removeFromTour', { name: byId.get(id)?.name ?? id })}>×</button>
                  </li>
                ))}
              </ol>
            )}
            <button type="button" className={`button ${touring ? 'button-live-on' : ''}`} disabled={!draft.tour || draft.tour.cameraIds.length === 0} onClick={() => { setNow(Date.now()); setTourStart(touring ? null : Date.now()); }} aria-pressed={touring} data-testid="wall-tour-toggle">
              {touring ? t('wall.tourStop') : t('wall.tourStart')}
            </button>
            {touring && <p className="wall-tour-status" role="status" data-testid="wall-tour-status" data-step={step}>{t('wall.tourStatus', { step: step + 1, seconds: Math.ceil(msToNextStep(draft.tour!, tourStart!, now) / 1000) })}</p>}
          </section>
        </aside>
        <div className="wall-grid" ref={wallRef} style={{ '--cols': grid.cols, '--rows': grid.rows } as CSSProperties} data-testid="wall-grid" data-layout={draft.layout}>
          {grid.cells.map((cell, i) => {
            const push = pushedOn[i];
            const id = push?.cameraId ?? shown[i] ?? null;
            return (
              <WallTile
                key={i}
                index={i}
                camera={id ? byId.get(id) ?? null : null}
                cameraId={id}
                style={{ gridColumn: `${cell.x + 1} / span ${cell.w}`, gridRow: `${cell.y + 1} / span ${cell.h}` }}
                selected={selected === i}
                pushed={push ?? null}
                onSelect={() => setSelected(i)}
                onDropCamera={(cameraId) => { place(i, cameraId); setSelected(i); }}
                onClear={() => place(i, null)}
              />
            );
          })}
        </div>
      </div>
    </main>
  );
}

/** Four corners pointing out; drawn, because the fonts at hand have no full-screen glyph. */
function FullScreenIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.6">
      <path d="M1 4V1h3M8 1h3v3M11 8v3H8M4 11H1V8" />
    </svg>
  );
}

interface WallTileProps {
  index: number;
  camera: Camera | null;
  cameraId: string | null;
  style: CSSProperties;
  selected: boolean;
  pushed: Pushed | null;
  onSelect(): void;
  onDropCamera(cameraId: string): void;
  onClear(): void;
}

function WallTile({ index, camera, cameraId, style, selected, pushed, onSelect, onDropCamera, onClear }: WallTileProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [over, setOver] = useState(false);
  const live = camera && camera.enabled && (camera.status.state === 'online' || camera.status.state === 'connecting');
  return (
    <div
      ref={ref}
      className={`wall-tile${selected ? ' is-selected' : ''}${over ? ' is-over' : ''}${pushed ? ' is-alarm' : ''}`}
      style={style}
      tabIndex={0}
      role="group"
      aria-label={t('wall.tile', { n: index + 1, name: camera?.name ?? t('wall.emptyTile') })}
      onClick={onSelect}
      onDoubleClick={() => fullScreen(ref.current)}
      onDragOver={(e) => { if (carriesCamera(e)) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; setOver(true); } }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const id = droppedCamera(e);
        if (id) onDropCamera(id);
      }}
      data-testid="wall-tile"
      data-tile={index}
      data-camera-id={cameraId ?? ''}
    >
      {cameraId === null ? (
        <div className="wall-empty">{t('wall.dropHere')}</div>
      ) : camera && live ? (
        <LivePlayer key={cameraId} cameraId={cameraId} showClock label={camera.name} />
      ) : (
        <div className="no-signal" role="status">
          <span className="no-signal-title">{!camera ? t('wall.unknownCamera') : !camera.enabled ? t('tile.disabled') : t('tile.noSignal')}</span>
        </div>
      )}
      {cameraId !== null && (
        // The plate follows the page's direction; the name inside it its own.
        <span className="wall-tile-name" data-testid="wall-tile-name"><bdi>{camera?.name ?? cameraId}</bdi></span>
      )}
      {pushed && (
        <a className="wall-tile-alarm" href={alarmPath(pushed.alarmId)} onClick={(e) => onLinkClick(e, alarmPath(pushed.alarmId))} data-testid="wall-tile-alarm"><bdi>{pushed.text}</bdi></a>
      )}
      <span className="wall-tile-tools">
        <button type="button" className="wall-tool" onClick={(e) => { e.stopPropagation(); fullScreen(ref.current); }} aria-label={t('wall.tileFullscreen', { n: index + 1 })} title={t('wall.tileFullscreen', { n: index + 1 })} data-testid="wall-tile-fullscreen"><FullScreenIcon /></button>
        {cameraId !== null && <button type="button" className="wall-tool" onClick={(e) => { e.stopPropagation(); onClear(); }} aria-label={t('wall.clearTile', { n: index + 1 })} title={t('wall.clearTile', { n: index + 1 })} data-testid="wall-tile-clear">×</button>}
      </span>
      <span className="wall-tile-number" aria-hidden="true">{index + 1}</span>
    </div>
  );
}
