import { evidencePath } from '../traffic/EvidenceScreen.tsx';
import { useEffect, useState, type FormEvent } from 'react';
import { formatDateTime, formatTime, t, useI18n, type MessageKey } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { LivePlayer } from '../live/LivePlayer.tsx';
import { PlaybackPlayer } from '../playback/PlaybackPlayer.tsx';
import { GRID_PATH, navigate, onLinkClick } from '../router.ts';
import { loadAlarm, protectVideo, type AlarmDetail } from './alarm-api.ts';
import type { AlarmFeed } from './alarm-feed.ts';
import { pushToOpenWall, wallPath } from '../wall/wall-push.ts';
import { BackLink } from '../components/BackLink.tsx';

// One alarm, from the queue to its video: the snapshot large; the recording from 5 s before the
// first hit beside the live view; the workflow's commands the user may give now; the rule's
// instructions to tick off; protect video (an evidence lock with a reason); comments; the activity
// log. Pushed changes of this alarm reload it.

const BEFORE_MS = 5000;
const OUTCOMES = ['false_alarm', 'incident', 'test', 'duplicate', 'other'] as const;

function label(key: string): string {
  const text = t(key as MessageKey);
  return text === key ? key.slice(key.lastIndexOf('.') + 1) : text;
}

export function AlarmScreen({ id, feed }: { id: string; feed: AlarmFeed }) {
  useI18n();
  const [detail, setDetail] = useState<AlarmDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]>('false_alarm');
  const [note, setNote] = useState('');
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('');
  const [protectedMsg, setProtectedMsg] = useState<{ fromMs: number; toMs: number } | null>(null);
  const [position, setPosition] = useState<number | null>(null);
  const [wallTile, setWallTile] = useState(0);
  const [pushedMsg, setPushedMsg] = useState<{ tile: number } | null>(null);

  const reload = () =>
    loadAlarm(id)
      .then((d) => {
        setDetail(d);
        setError(null);
      })
      .catch((e: unknown) => setError(e));

  useEffect(() => {
    setDetail(null);
    void reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);
  const changed = feed.lastChange?.id === id ? feed.lastChange.version : null;
  useEffect(() => {
    if (changed !== null && detail && changed !== detail.alarm.version) void reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [changed]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !(event.target instanceof HTMLInputElement) && !(event.target instanceof HTMLTextAreaElement)) navigate(GRID_PATH);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const a = detail?.alarm;
  const can = (c: string) => a?.allowed.includes(c) ?? false;
  const submitComment = (event: FormEvent) => {
    event.preventDefault();
    if (comment.trim()) void run(async () => (await feed.command(id, 'comments', { text: comment }), setComment('')));
  };
  const submitProtect = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const { lock } = await protectVideo(id, { reason, beforeSeconds: 30, afterSeconds: 30 });
      setProtectedMsg({ fromMs: lock.fromMs, toMs: lock.toMs });
      setReason('');
    });
  };
  // A wall open in another window takes it there; with none open, the wall opens here.
  const pushToWall = async () => {
    setPushedMsg(null);
    if (await pushToOpenWall(id, wallTile)) setPushedMsg({ tile: wallTile + 1 });
    else navigate(wallPath(id, wallTile));
  };
  const submitResolve = (event: FormEvent) => {
    event.preventDefault();
    void run(() => feed.command(id, 'resolve', note ? { outcome, note } : { outcome }));
  };

  return (
    <main className="alarm-screen" id="content" data-testid="alarm-screen" data-alarm-id={id}>
      <div className="toolbar">
        <BackLink to={GRID_PATH} label="wf.back" />
        {a && <h1 className="toolbar-title" dir="auto">{t('wf.title', { kind: label(`alarms.kind.${a.ruleKind}`), rule: a.rule, camera: a.cameraName })}</h1>}
        {a && <span className="alarm-state" data-testid="alarm-screen-state">{label(`wf.state.${a.state}`)}{a.outcome ? ` — ${label(`wf.outcome.${a.outcome}`)}` : ''}</span>}
      </div>
      {error !== null && <p className="banner banner-error" role="alert" data-testid="alarm-screen-error">{t('wf.loadError', { message: errorText(error) })}</p>}
      {a && (
        <>
          <div className="alarm-screen-grid">
            <section className="panel">
              {a.snapshotUrl ? <img className="alarm-snapshot-large" src={a.snapshotUrl} alt={t('alarms.snapshotAlt', { camera: a.cameraName })} data-testid="alarm-snapshot" /> : <p className="muted">{t('wf.noSnapshot')}</p>}
              <p className="alarm-privacy">{t('alarms.privacy')}</p>
            </section>
            <section className="panel" aria-label={t('wf.steps')}>
              <dl className="details">
                <div className="detail-row"><dt>{t('wf.priority', { n: '' }).trim()}</dt><dd data-testid="alarm-screen-priority">{a.priority}</dd></div>
                {['speeding', 'wrong_way', 'stopped_vehicle'].includes(a.ruleKind) && <div className="detail-row"><dt>{t('ev.package')}</dt><dd><a href={evidencePath(a.eventId)} onClick={(event) => onLinkClick(event, evidencePath(a.eventId))} data-testid="alarm-evidence-link">{t('ev.open')}</a></dd></div>}
                <div className="detail-row"><dt>{t('wf.first', { time: '' }).trim()}</dt><dd><time dateTime={new Date(a.firstAt).toISOString()}>{formatDateTime(a.firstAt)}</time></dd></div>
                <div className="detail-row"><dt>{t('wf.last', { time: '' }).trim()}</dt><dd><time dateTime={new Date(a.lastAt).toISOString()}>{formatDateTime(a.lastAt)}</time> · {t('wf.hits', { n: a.hits })}</dd></div>
                {a.ack && <div className="detail-row"><dt>{label('wf.state.acknowledged')}</dt><dd>{t('alarms.ackedBy', { user: a.ack.by, time: formatTime(a.ack.at) })}</dd></div>}
                {a.owner && <div className="detail-row"><dt>{label('wf.state.in_progress')}</dt><dd data-testid="alarm-screen-owner">{t('wf.owner', { user: a.owner.name })}</dd></div>}
                {a.escalatedAt !== null && <div className="detail-row"><dt>!</dt><dd className="error-text">{t('wf.escalated')}</dd></div>}
                {a.snoozedUntil !== null && a.snoozedUntil > Date.now() && <div className="detail-row"><dt>⏸</dt><dd>{t('wf.snoozed', { time: formatTime(a.snoozedUntil) })}</dd></div>}
              </dl>
              <div className="alarm-actions" data-testid="alarm-actions">
                {(['ack', 'take', 'release', 'hold', 'reopen'] as const).filter(can).map((c) => (
                  <button key={c} type="button" className="button" disabled={busy} onClick={() => void run(() => feed.command(id, c))} data-testid={`alarm-cmd-${c}`}>{label(`wf.cmd.${c}`)}</button>
                ))}
              </div>
              {can('resolve') && (
                <form className="alarm-form" onSubmit={submitResolve} data-testid="alarm-resolve-form">
                  <label>
                    {t('wf.outcomeLabel')}{' '}
                    <select value={outcome} onChange={(e) => setOutcome(e.target.value as (typeof OUTCOMES)[number])} data-testid="alarm-outcome">
                      {OUTCOMES.map((o) => <option key={o} value={o}>{label(`wf.outcome.${o}`)}</option>)}
                    </select>
                  </label>
                  <input type="text" placeholder={t('wf.note')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} />
                  <button type="submit" className="button button-primary" disabled={busy} data-testid="alarm-cmd-resolve">{t('wf.cmd.resolve')}</button>
                </form>
              )}
              <h2 className="panel-title">{t('wf.steps')}</h2>
              {a.steps.length === 0 ? <p className="muted">{t('wf.noSteps')}</p> : (
                <ol className="alarm-steps" data-testid="alarm-steps">
                  {a.steps.map((s, i) => (
                    <li key={i}>
                      <label>
                        <input type="checkbox" checked={s.done} disabled={busy || !can('step')} onChange={(e) => void run(() => feed.command(id, 'steps', { index: i, done: e.target.checked }))} data-testid="alarm-step" />{' '}
                        <span dir="auto">{s.text}</span>
                        {s.done && s.by && s.at !== null && <span className="muted"> — {s.by} {formatTime(s.at)}</span>}
                      </label>
                    </li>
                  ))}
                </ol>
              )}
            </section>
          </div>
          <div className="alarm-videos">
            <section>
              <h2 className="alarm-video-title">{t('wf.recording')}</h2>
              <div data-testid="alarm-recording" data-from={a.firstAt - BEFORE_MS} data-position={position ?? ''}>
                <PlaybackPlayer cameraId={a.cameraId} fromMs={a.firstAt - BEFORE_MS} label={a.cameraName} onPosition={setPosition} />
              </div>
            </section>
            <section>
              <h2 className="alarm-video-title">{t('wf.live')}</h2>
              <div data-testid="alarm-live">
                <LivePlayer cameraId={a.cameraId} showClock label={a.cameraName} />
              </div>
              <div className="alarm-form alarm-push" data-testid="alarm-push">
                <label>
                  {t('wall.pushTile')}{' '}
                  <select value={wallTile} onChange={(e) => setWallTile(Number(e.target.value))} data-testid="alarm-push-tile">
                    {Array.from({ length: 16 }, (_, i) => <option key={i} value={i}>{i + 1}</option>)}
                  </select>
                </label>
                <button type="button" className="button" onClick={() => void pushToWall()} data-testid="alarm-push-wall">{t('wall.push')}</button>
                {pushedMsg && <span role="status" data-testid="alarm-pushed">{t('wall.pushSent', pushedMsg)}</span>}
              </div>
            </section>
          </div>
          <div className="alarm-screen-grid">
            <section className="panel">
              <h2 className="panel-title">{t('wf.protect')}</h2>
              <form className="alarm-form" onSubmit={submitProtect}>
                <input type="text" required minLength={3} maxLength={1000} placeholder={t('wf.protectReason')} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="alarm-protect-reason" />
                <button type="submit" className="button" disabled={busy || reason.trim().length < 3} data-testid="alarm-protect">{t('wf.protect')}</button>
              </form>
              {protectedMsg && <p className="banner banner-warning" role="status" data-testid="alarm-protected">{t('wf.protected', { from: formatDateTime(protectedMsg.fromMs), to: formatDateTime(protectedMsg.toMs) })}</p>}
              <h2 className="panel-title">{t('wf.comment')}</h2>
              <form className="alarm-form" onSubmit={submitComment}>
                <textarea rows={2} maxLength={4000} value={comment} onChange={(e) => setComment(e.target.value)} data-testid="alarm-comment" aria-label={t('wf.comment')} />
                <button type="submit" className="button" disabled={busy || !comment.trim()} data-testid="alarm-comment-add">{t('wf.addComment')}</button>
              </form>
            </section>
            <section className="panel">
              <h2 className="panel-title">{t('wf.activity')}</h2>
              <ol className="alarm-activity" data-testid="alarm-activity">
                {detail.activity.map((l) => (
                  <li key={l.seq} data-kind={l.kind}>
                    <time dateTime={new Date(l.ts).toISOString()}>{formatTime(l.ts)}</time>
                    <strong dir="auto">{l.actorName}</strong> {label(`wf.activity.${l.kind}`)}
                    {typeof l.details.outcome === 'string' && <> — {label(`wf.outcome.${l.details.outcome}`)}</>}
                    {typeof l.details.text === 'string' && <>: <span dir="auto">{l.details.text}</span></>}
                    {typeof l.details.note === 'string' && <>: <span dir="auto">{l.details.note}</span></>}
                  </li>
                ))}
              </ol>
            </section>
          </div>
        </>
      )}
    </main>
  );
}
