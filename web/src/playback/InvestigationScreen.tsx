import { useCallback, useEffect, useRef, useState } from 'react';
import type { Camera, User } from '../api/types.ts';
import { formatDateTime, t, useI18n } from '../i18n/index.ts';
import { PlaybackPlayer, type PlayerHandle } from './PlaybackPlayer.tsx';
import { Timeline } from './Timeline.tsx';
import { BookmarkPanel, useBookmarks } from './BookmarkPanel.tsx';
import './investigation.css';

// Investigation: up to four cameras played in step on one timeline. The first camera leads: its
// investigation controls (pause, speed, frame step, ±10 s) act on its video, and every 250 ms each
// other camera takes the leader's rate and pause and is moved to the leader's wall-clock time when
// it drifts — within what it has buffered, or by asking for the recording from there.

export const MAX_SYNC_CAMERAS = 4;
const SYNC_MS = 250;
/** Drift allowed while playing (decoders and fragments do not land on the same instant). */
const PLAYING_DRIFT_MS = 350;
/** While paused (a frame step): the followers show the same moment, within about a frame. */
const PAUSED_DRIFT_MS = 60;
/** A follower that cannot seek within its buffer asks for a new range at most this often. */
const RESTART_EVERY_MS = 4000;

function fromQuery(): { ids: string[]; at: number } {
  const q = new URLSearchParams(location.search);
  const ids = (q.get('cameras') ?? '').split(',').map((s) => s.trim()).filter(Boolean).slice(0, MAX_SYNC_CAMERAS);
  const at = Number(q.get('at'));
  return { ids: [...new Set(ids)], at: Number.isFinite(at) && at > 0 ? at : Date.now() - 120_000 };
}

export function investigatePath(cameraIds: string[], at?: number | null): string {
  const q = new URLSearchParams({ cameras: cameraIds.join(',') });
  if (at) q.set('at', String(Math.round(at)));
  return `/investigate?${q}`;
}

export function InvestigationScreen({ user, cameras }: { user: User; cameras: Camera[] | null }) {
  useI18n();
  const [initial] = useState(fromQuery);
  const [ids, setIds] = useState<string[]>(initial.ids);
  // Where each camera was asked to start; a seek sets them all, a lost follower only its own.
  const [starts, setStarts] = useState<Record<string, number>>(() => Object.fromEntries(initial.ids.map((id) => [id, initial.at])));
  const [position, setPosition] = useState<number | null>(initial.at);
  const [positions, setPositions] = useState<Record<string, number>>({});
  const [adding, setAdding] = useState('');
  const handles = useRef(new Map<string, PlayerHandle>());
  const restarted = useRef(new Map<string, number>());
  const { bookmarks, reload } = useBookmarks(ids);

  const byId = new Map((cameras ?? []).map((c) => [c.id, c]));
  const nameOf = (id: string) => byId.get(id)?.name ?? id;

  // Keep the address shareable: the cameras and the moment being looked at.
  useEffect(() => {
    if (ids.length > 0) history.replaceState(null, '', investigatePath(ids, position));
  }, [ids, position === null ? null : Math.floor(position / 5000)]);

  const seek = useCallback((wallMs: number) => {
    setStarts(Object.fromEntries(ids.map((id) => [id, wallMs])));
    setPosition(wallMs);
  }, [ids]);

  useEffect(() => {
    const timer = setInterval(() => {
      const lead = handles.current.get(ids[0]);
      const w = lead?.wallNow() ?? null;
      if (!lead || w === null) return;
      for (const id of ids.slice(1)) {
        const f = handles.current.get(id);
        if (!f) continue;
        if (f.video.playbackRate !== lead.video.playbackRate) f.video.playbackRate = lead.video.playbackRate;
        if (lead.video.paused && !f.video.paused) f.video.pause();
        if (!lead.video.paused && f.video.paused && f.video.readyState >= 2) void f.video.play().catch(() => undefined);
        const fw = f.wallNow();
        if (fw === null) continue;
        if (Math.abs(fw - w) <= (lead.video.paused ? PAUSED_DRIFT_MS : PLAYING_DRIFT_MS)) continue;
        if (f.seekWall(w)) continue;
        const last = restarted.current.get(id) ?? 0;
        if (Date.now() - last < RESTART_EVERY_MS) continue;
        restarted.current.set(id, Date.now());
        setStarts((s) => ({ ...s, [id]: w }));
      }
    }, SYNC_MS);
    return () => clearInterval(timer);
  }, [ids]);

  const add = (id: string) => {
    if (!id || ids.includes(id) || ids.length >= MAX_SYNC_CAMERAS) return;
    setIds((list) => [...list, id]);
    setStarts((s) => ({ ...s, [id]: position ?? initial.at }));
    setAdding('');
  };
  const remove = (id: string) => {
    setIds((list) => list.filter((x) => x !== id));
    handles.current.delete(id);
  };

  const choices = (cameras ?? []).filter((c) => !ids.includes(c.id));
  return (
    <main className="investigation-screen" id="content" data-testid="investigation">
      <div className="toolbar">
        <h1 className="toolbar-title">{t('inv.title')}</h1>
        <span className="toolbar-info">{t('inv.syncHint', { n: MAX_SYNC_CAMERAS })}</span>
        <label className="inv-add">
          <span className="visually-hidden">{t('inv.addCamera')}</span>
          <select value={adding} onChange={(e) => add(e.target.value)} disabled={ids.length >= MAX_SYNC_CAMERAS} aria-label={t('inv.addCamera')} data-testid="inv-add-camera">
            <option value="">{ids.length >= MAX_SYNC_CAMERAS ? t('inv.full', { n: MAX_SYNC_CAMERAS }) : t('inv.addCamera')}</option>
            {choices.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
        {position !== null && <span className="toolbar-info" data-testid="inv-position"><time dateTime={new Date(position).toISOString()}>{formatDateTime(position)}</time></span>}
      </div>
      {ids.length === 0 ? <p className="empty">{t('inv.noCameras')}</p> : (
        <div className="inv-layout">
          <div className={`inv-players inv-players-${ids.length}`}>
            {ids.map((id, i) => (
              <section key={id} className="inv-player" data-testid="sync-player" data-camera-id={id} data-position={positions[id] ?? ''} data-lead={i === 0 ? 'true' : 'false'}>
                <header className="inv-player-head">
                  <span className="wall-tile-name inv-name"><bdi>{nameOf(id)}</bdi></span>
                  {i === 0 && <span className="inv-lead">{t('inv.lead')}</span>}
                  <button type="button" className="link-button" onClick={() => remove(id)} aria-label={t('inv.remove', { name: nameOf(id) })} data-testid="inv-remove">×</button>
                </header>
                <PlaybackPlayer
                  cameraId={id}
                  fromMs={starts[id] ?? initial.at}
                  label={nameOf(id)}
                  controls={i === 0}
                  onPosition={(ms) => {
                    setPositions((p) => ({ ...p, [id]: ms }));
                    if (i === 0) setPosition(ms);
                  }}
                  onPlayer={(h) => { if (h) handles.current.set(id, h); else handles.current.delete(id); }}
                />
              </section>
            ))}
          </div>
          <Timeline cameraId={ids[0]} moreCameraIds={ids.slice(1)} position={position} onSeek={seek} bookmarks={bookmarks} defaultWindow="15m" />
          <BookmarkPanel cameras={ids.map((id) => ({ id, name: nameOf(id) }))} position={position} bookmarks={bookmarks} onChanged={reload} onSeek={seek} me={user.username} />
        </div>
      )}
    </main>
  );
}
