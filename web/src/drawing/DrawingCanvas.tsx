import { useEffect, useRef, useState, type PointerEvent, type ReactNode } from 'react';
import { formatNumber, t, useI18n } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { fetchStill, type Point } from './drawing-api.ts';
import './drawing.css';

/**
 * One drawing surface for every screen that places points on a camera's picture (rules, masks,
 * calibration): a still of the camera now with an SVG over it in the picture's own pixels.
 * Points are normalised to the picture (0..1, x right, y down) like everything the server takes.
 * The picture is never mirrored in a right-to-left language: it is what the camera sees.
 */
export interface Shape {
  kind: 'line' | 'polygon' | 'polyline' | 'points';
  points: Point[];
  /** what it is, for colour: a saved rule, an analytics mask, the shape being drawn, a check grid, a refused shape */
  tone: 'rule' | 'mask' | 'draft' | 'grid' | 'error';
  label?: string;
  /** a line's positive side gets an arrow (the direction a crossing counts as "positive") */
  arrow?: boolean;
  /** points are numbered (calibration) */
  numbered?: boolean;
}

export interface DrawingCanvasProps {
  cameraId: string;
  shapes: Shape[];
  /** the points being placed: shown with handles that can be dragged */
  draft: Point[];
  draftKind: Shape['kind'] | null;
  draftNumbered?: boolean;
  /** a click on the picture (null: clicks do nothing) */
  onAdd: ((p: Point) => void) | null;
  onMove: (index: number, p: Point) => void;
  /** the still's pixel size once loaded (for px figures) */
  onSize?: (size: { width: number; height: number }) => void;
  children?: ReactNode;
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));

export function DrawingCanvas(props: DrawingCanvasProps) {
  useI18n();
  const { cameraId, onSize } = props;
  const [still, setStill] = useState<{ url: string; width: number; height: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const svg = useRef<SVGSVGElement | null>(null);
  const dragging = useRef<number | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    let url: string | null = null;
    setError(null);
    fetchStill(cameraId, ctl.signal)
      .then((s) => { url = s.url; setStill(s); onSize?.({ width: s.width, height: s.height }); })
      .catch((e: unknown) => { if (!ctl.signal.aborted) setError(e); });
    return () => { ctl.abort(); if (url) URL.revokeObjectURL(url); };
  }, [cameraId, version]);

  const at = (event: PointerEvent<SVGElement>): Point | null => {
    const r = svg.current?.getBoundingClientRect();
    if (!r || r.width === 0 || r.height === 0) return null;
    const x = clamp((event.clientX - r.left) / r.width), y = clamp((event.clientY - r.top) / r.height);
    return [Math.round(x * 10000) / 10000, Math.round(y * 10000) / 10000];
  };

  const W = still?.width ?? 1600, H = still?.height ?? 900;
  const px = (p: Point) => `${p[0] * W},${p[1] * H}`;
  const handle = Math.max(W, H) / 160;

  return (
    <div className="drawing" data-testid="drawing">
      <div className="drawing-head">
        <span className="muted">{still ? t('draw.still', { width: still.width, height: still.height }) : error !== null ? '' : t('app.loading')}</span>
        <button type="button" className="button button-quiet" onClick={() => setVersion((v) => v + 1)} data-testid="still-reload">{t('draw.reload')}</button>
      </div>
      {error !== null && <p className="banner banner-error" role="alert" dir="auto" data-testid="still-error">{t('draw.stillError', { message: errorText(error) })}</p>}
      <div className="drawing-stage" dir="ltr" style={{ aspectRatio: `${W} / ${H}`, inlineSize: `min(100%, calc((100vh - 190px) * ${W / H}))` }}>
        {still && <img className="drawing-still" src={still.url} alt={t('draw.stillAlt')} draggable={false} />}
        <svg
          ref={svg}
          className={`drawing-svg${props.onAdd ? ' drawing-svg-active' : ''}`}
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          data-testid="drawing-svg"
          onPointerDown={(e) => {
            if (e.button !== 0 || !props.onAdd || e.target !== svg.current) return; // shapes let clicks through; handles are dragged
            const p = at(e);
            if (p) props.onAdd(p);
          }}
          onPointerMove={(e) => {
            if (dragging.current === null) return;
            const p = at(e);
            if (p) props.onMove(dragging.current, p);
          }}
          onPointerUp={() => { dragging.current = null; }}
        >
          {props.shapes.map((s, i) => <ShapeView key={i} shape={s} W={W} H={H} handle={handle} />)}
          {props.draftKind && props.draft.length > 0 && (
            <ShapeView shape={{ kind: props.draftKind, points: props.draft, tone: 'draft', arrow: props.draftKind === 'line', numbered: props.draftNumbered }} W={W} H={H} handle={handle} open />
          )}
          {props.draft.map((p, i) => (
            <circle
              key={i}
              className="drawing-handle"
              data-testid="drawing-handle"
              cx={p[0] * W}
              cy={p[1] * H}
              r={handle}
              onPointerDown={(e) => {
                e.stopPropagation();
                (e.target as Element).setPointerCapture?.(e.pointerId);
                dragging.current = i;
              }}
            >
              <title>{`${formatNumber(i + 1)}: ${px(p)}`}</title>
            </circle>
          ))}
        </svg>
      </div>
      {props.children}
    </div>
  );
}

function ShapeView({ shape, W, H, handle, open }: { shape: Shape; W: number; H: number; handle: number; open?: boolean }) {
  const pts = shape.points.map((p) => `${p[0] * W},${p[1] * H}`).join(' ');
  const cls = `shape shape-${shape.tone}`;
  const first = shape.points[0];
  let body: ReactNode = null;
  if (shape.kind === 'polygon' && !open) body = <polygon className={cls} points={pts} />;
  else if (shape.kind === 'points') body = null;
  else body = <polyline className={cls} points={pts} fill="none" />;
  let arrow: ReactNode = null;
  if (shape.arrow && shape.points.length === 2) {
    // The positive side of p1→p2 is its visual right (y down): a crossing towards it counts "positive".
    const [a, b] = shape.points;
    const mx = ((a[0] + b[0]) / 2) * W, my = ((a[1] + b[1]) / 2) * H;
    const dx = (b[0] - a[0]) * W, dy = (b[1] - a[1]) * H;
    const len = Math.hypot(dx, dy) || 1;
    const nx = -dy / len, ny = dx / len;
    const L = Math.max(W, H) / 20;
    const tipX = mx + nx * L, tipY = my + ny * L;
    const wing = L / 3;
    arrow = (
      <g className={`shape-arrow shape-${shape.tone}`} data-testid="line-arrow">
        <line x1={mx} y1={my} x2={tipX} y2={tipY} />
        <polygon points={`${tipX},${tipY} ${tipX - nx * wing + ny * wing * 0.6},${tipY - ny * wing - nx * wing * 0.6} ${tipX - nx * wing - ny * wing * 0.6},${tipY - ny * wing + nx * wing * 0.6}`} />
      </g>
    );
  }
  return (
    <g data-tone={shape.tone}>
      {body}
      {arrow}
      {shape.kind === 'points' && shape.points.map((p, i) => <circle key={i} className={cls} cx={p[0] * W} cy={p[1] * H} r={handle * 0.8} />)}
      {shape.numbered && shape.points.map((p, i) => (
        <text key={`n${i}`} className="shape-label" x={p[0] * W + handle * 1.4} y={p[1] * H - handle * 1.4} fontSize={handle * 3}>{formatNumber(i + 1)}</text>
      ))}
      {shape.label && first && <text className="shape-label" x={first[0] * W + handle} y={first[1] * H - handle} fontSize={handle * 2.6}>{shape.label}</text>}
    </g>
  );
}
