import { useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { Camera } from '../api/types.ts';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { t, useI18n } from '../i18n/index.ts';
import { LivePlayer } from '../live/LivePlayer.tsx';
import { cameraPath, onLinkClick } from '../router.ts';

const GRID_SIZES = [2, 3, 4] as const;
type GridSize = (typeof GRID_SIZES)[number];
const SIZE_KEY = 'vigil.gridSize';

function initialSize(): GridSize {
  let stored: number = 3;
  try { stored = Number(localStorage.getItem(SIZE_KEY) ?? 3); } catch { /* default */ }
  return (GRID_SIZES as readonly number[]).includes(stored) ? (stored as GridSize) : 3;
}

function matches(camera: Camera, filter: string): boolean {
  const needle = filter.trim().toLocaleLowerCase();
  return needle === '' || camera.name.toLocaleLowerCase().includes(needle) || camera.id.toLocaleLowerCase().includes(needle);
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));
}

/** Arrow keys move between tiles like a video wall; left/right follow the reading direction. */
function moveTileFocus(event: KeyboardEvent, columns: number): boolean {
  const arrows: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -columns, ArrowDown: columns };
  let step = arrows[event.key];
  if (step === undefined) return false;
  const tiles = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="tile"]'));
  const index = tiles.indexOf(document.activeElement as HTMLElement);
  if (index < 0) return false;
  if (document.documentElement.dir === 'rtl' && Math.abs(step) === 1) step = -step;
  const target = tiles[index + step];
  if (!target) return false;
  event.preventDefault();
  target.focus();
  return true;
}

interface CameraGridProps {
  cameras: Camera[] | null;
  loadError: string | null;
}

export function CameraGrid({ cameras, loadError }: CameraGridProps) {
  useI18n();
  const [size, setSize] = useState<GridSize>(initialSize);
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(0);
  const filterRef = useRef<HTMLInputElement>(null);

  const visible = useMemo(() => (cameras ?? []).filter((camera) => matches(camera, filter)), [cameras, filter]);
  const perPage = size * size;
  const pages = Math.max(1, Math.ceil(visible.length / perPage));
  const currentPage = Math.min(page, pages - 1);
  const shown = visible.slice(currentPage * perPage, (currentPage + 1) * perPage);
  const counts = { online: 0, connecting: 0, offline: 0 };
  for (const camera of cameras ?? []) {
    if (camera.status.state === 'online') counts.online += 1;
    else if (camera.status.state === 'connecting') counts.connecting += 1;
    else if (camera.status.state === 'offline') counts.offline += 1;
  }

  function chooseSize(next: GridSize) {
    setSize(next);
    setPage(0);
    try { localStorage.setItem(SIZE_KEY, String(next)); } catch { /* not persisted */ }
  }

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === 'Escape' && event.target === filterRef.current) {
        setFilter('');
        filterRef.current?.blur();
        return;
      }
      if (isTyping(event.target)) return;
      if (moveTileFocus(event, size)) return;
      if (event.key === '/') {
        event.preventDefault();
        filterRef.current?.focus();
      } else if (event.key === '2' || event.key === '3' || event.key === '4') {
        chooseSize(Number(event.key) as GridSize);
      } else if (event.key === 'PageDown') {
        event.preventDefault();
        setPage((p) => Math.min(p + 1, pages - 1));
      } else if (event.key === 'PageUp') {
        event.preventDefault();
        setPage((p) => Math.max(p - 1, 0));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pages, size]);

  return (
    <main className="grid-screen" id="content">
      <div className="toolbar" role="toolbar" aria-label={t('grid.title')}>
        <h1 className="toolbar-title">{t('grid.title')}</h1>
        <div className="segmented" role="radiogroup" aria-label={t('grid.size')}>
          {GRID_SIZES.map((n) => (
            <button key={n} type="button" role="radio" aria-checked={size === n} className={size === n ? 'is-active' : ''} onClick={() => chooseSize(n)} data-testid={`grid-size-${n}`}>
              {t('grid.sizeOption', { n })}
            </button>
          ))}
        </div>
        <label className="filter">
          <span className="visually-hidden">{t('grid.filter')}</span>
          <input
            ref={filterRef}
            type="search"
            value={filter}
            placeholder={t('grid.filterPlaceholder')}
            aria-label={t('grid.filter')}
            onChange={(event) => { setFilter(event.target.value); setPage(0); }}
            data-testid="filter"
          />
        </label>
        <span className="toolbar-info" aria-live="polite">
          {t('grid.count', { shown: visible.length, total: cameras?.length ?? 0 })}
          <span className="toolbar-sep" aria-hidden="true">·</span>
          <span className="summary">{t('grid.summary', counts)}</span>
        </span>
        {pages > 1 && (
          <div className="pager">
            <button type="button" className="button button-quiet" onClick={() => setPage(currentPage - 1)} disabled={currentPage === 0} aria-label={t('grid.prevPage')}>
              <span className="flip-rtl" aria-hidden="true">‹</span>
            </button>
            <span>{t('grid.page', { page: currentPage + 1, pages })}</span>
            <button type="button" className="button button-quiet" onClick={() => setPage(currentPage + 1)} disabled={currentPage >= pages - 1} aria-label={t('grid.nextPage')}>
              <span className="flip-rtl" aria-hidden="true">›</span>
            </button>
          </div>
        )}
      </div>
      {loadError && <p className="banner banner-error" role="alert">{t('grid.loadError', { message: loadError })}</p>}
      {cameras && cameras.length === 0 && <p className="empty">{t('grid.noCameras')}</p>}
      {cameras && cameras.length > 0 && visible.length === 0 && <p className="empty">{t('grid.noMatch', { filter })}</p>}
      {!cameras && !loadError && <p className="empty">{t('app.loading')}</p>}
      {shown.length > 0 && (
        <ul className="tiles" style={{ '--cols': size, '--rows': size } as CSSProperties} data-testid="tiles">
          {shown.map((camera) => (
            <li key={camera.id} className="tile-cell">
              <CameraTile camera={camera} />
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

function CameraTile({ camera }: { camera: Camera }) {
  const { state, error } = camera.status;
  const live = camera.enabled && (state === 'online' || state === 'connecting');
  return (
    <a
      className={`tile tile-${state}`}
      href={cameraPath(camera.id)}
      onClick={(event) => onLinkClick(event, cameraPath(camera.id))}
      aria-label={t('grid.openCamera', { name: camera.name })}
      data-camera-id={camera.id}
      data-testid="tile"
    >
      {live ? (
        <LivePlayer cameraId={camera.id} showClock label={camera.name} />
      ) : (
        <div className="no-signal" role="status">
          <span className="no-signal-title">{state === 'disabled' || !camera.enabled ? t('tile.disabled') : t('tile.noSignal')}</span>
          {state !== 'disabled' && camera.enabled && <span className="no-signal-error" dir="auto">{error || t('tile.noError')}</span>}
        </div>
      )}
      <span className="tile-head">
        <span className="tile-name" dir="auto">{camera.name}</span>
        <StatusBadge state={camera.enabled ? state : 'disabled'} />
      </span>
    </a>
  );
}
