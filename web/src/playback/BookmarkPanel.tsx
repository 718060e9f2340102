import { useState, type FormEvent } from 'react';
import { formatDateTime, t, useI18n } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { usePolling } from '../polling.ts';
import { addBookmark, listBookmarks, removeBookmark, type Bookmark } from './bookmark-api.ts';

// Bookmarks of an investigation: the moment being played marked with a note (audited on the
// server), listed newest first; a click plays from there.

const DAY_MS = 24 * 3_600_000;

/** The bookmarks of these cameras over the last day, reloaded every 15 s and after a change. */
export function useBookmarks(cameraIds: string[]): { bookmarks: Bookmark[]; error: unknown; reload(): void } {
  const [generation, setGeneration] = useState(0);
  const polled = usePolling(
    async (signal) => (await Promise.all(cameraIds.map((id) => listBookmarks(id, Date.now() - DAY_MS, Date.now(), signal)))).flat().sort((a, b) => a.at - b.at),
    15_000,
    `${cameraIds.join(',')}:${generation}`,
  );
  return { bookmarks: polled.data ?? [], error: polled.error, reload: () => setGeneration((g) => g + 1) };
}

interface BookmarkPanelProps {
  cameras: { id: string; name: string }[];
  /** The moment being played (null: live, nothing to mark). */
  position: number | null;
  bookmarks: Bookmark[];
  onChanged(): void;
  onSeek(wallMs: number): void;
  me: string;
}

export function BookmarkPanel({ cameras, position, bookmarks, onChanged, onSeek, me }: BookmarkPanelProps) {
  useI18n();
  const [note, setNote] = useState('');
  const [cameraId, setCameraId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const target = cameras.find((c) => c.id === cameraId) ?? cameras[0];
  const names = new Map(cameras.map((c) => [c.id, c.name]));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (position === null || !target || !note.trim()) return;
    try {
      await addBookmark(target.id, position, note.trim());
      setNote('');
      setError(null);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (b: Bookmark) => {
    try {
      await removeBookmark(b.cameraId, b.id);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="panel" aria-labelledby="bookmarks-title" data-testid="bookmark-panel">
      <h2 id="bookmarks-title" className="panel-title">{t('bookmark.title')}</h2>
      <form className="alarm-form" onSubmit={(e) => void submit(e)}>
        {cameras.length > 1 && (
          <select value={target?.id ?? ''} onChange={(e) => setCameraId(e.target.value)} aria-label={t('bookmark.camera')} data-testid="bookmark-camera">
            {cameras.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        )}
        <input type="text" value={note} maxLength={2000} placeholder={position === null ? t('bookmark.needPlayback') : t('bookmark.notePlaceholder')} aria-label={t('bookmark.note')} onChange={(e) => setNote(e.target.value)} disabled={position === null} data-testid="bookmark-note" />
        <button type="submit" className="button" disabled={position === null || !note.trim()} data-testid="bookmark-add">{t('bookmark.add')}</button>
      </form>
      {error !== null && <p className="banner banner-error" role="alert">{errorText(error)}</p>}
      {bookmarks.length === 0 ? <p className="muted">{t('bookmark.none')}</p> : (
        <ol className="bookmark-list" data-testid="bookmark-list">
          {[...bookmarks].reverse().map((b) => (
            <li key={b.id} data-testid="bookmark-item" data-at={b.at} data-camera-id={b.cameraId}>
              <button type="button" className="link-button" onClick={() => onSeek(b.at)} title={t('bookmark.play')}>
                <time dateTime={new Date(b.at).toISOString()}>{formatDateTime(b.at)}</time>
              </button>{' '}
              {cameras.length > 1 && <span className="muted" dir="auto">{names.get(b.cameraId) ?? b.cameraId} · </span>}
              <span dir="auto" data-testid="bookmark-text">{b.note}</span>{' '}
              <span className="muted">— <bdi>{b.createdBy.name}</bdi></span>
              {b.createdBy.name === me && <button type="button" className="link-button" onClick={() => void remove(b)} aria-label={t('bookmark.delete')}>×</button>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
