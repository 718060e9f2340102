import { useEffect, useRef } from 'react';
import type { User } from '../api/types.ts';
import { catalogues, setLocale, t, useI18n, type MessageKey } from '../i18n/index.ts';
import { GRID_PATH, onLinkClick, useRoute } from '../router.ts';

/** Map (home) and the video wall; users (admins) and the audit log (admins, auditors). Auditors have no video. */
function ScreenNav({ role }: { role: string }) {
  const route = useRoute();
  const video = role !== 'auditor';
  const links = [
    ...(video ? [{ path: '/', label: t('nav.map'), active: route.name === 'map', id: 'nav-map' }] : []),
    ...(video ? [{ path: GRID_PATH, label: t('nav.grid'), active: route.name === 'grid' || route.name === 'camera', id: 'nav-grid' }] : []),
    ...(video ? [{ path: '/wall', label: t('nav.wall'), active: route.name === 'wall', id: 'nav-wall' }] : []),
    // Investigation plays recordings: not for viewers (live only).
    ...(video && role !== 'viewer' ? [{ path: '/investigate', label: t('nav.investigate'), active: route.name === 'investigate', id: 'nav-investigate' }] : []),
    // issue 13: exports and four-eyes approval
    ...(video && role !== 'viewer' ? [{ path: '/exports', label: t('nav.exports'), active: route.name === 'exports', id: 'nav-exports' }] : []),
    ...(role === 'admin' ? [{ path: '/users', label: t('nav.users'), active: route.name === 'users', id: 'nav-users' }] : []),
    ...(role === 'admin' || role === 'auditor' ? [{ path: '/audit', label: t('nav.audit'), active: route.name === 'audit', id: 'nav-audit' }] : []),
  ];
  return (
    <nav className="screen-nav" aria-label={t('nav.label')}>
      {links.map((l) => (
        <a key={l.path} href={l.path} className={l.active ? 'active' : ''} aria-current={l.active ? 'page' : undefined} data-testid={l.id} onClick={(e) => onLinkClick(e, l.path)}>{l.label}</a>
      ))}
    </nav>
  );
}

export function roleLabel(role: string): string {
  const key = `role.${role}` as MessageKey;
  const label = t(key);
  return label === key ? role : label;
}

export function LanguagePicker() {
  const catalogue = useI18n();
  return (
    <label className="language-picker">
      <span className="visually-hidden">{t('topbar.language')}</span>
      <select value={catalogue.lang} onChange={(event) => setLocale(event.target.value)} aria-label={t('topbar.language')} data-testid="language">
        {catalogues.map((c) => (
          <option key={c.lang} value={c.lang} lang={c.lang}>{c.name}</option>
        ))}
      </select>
    </label>
  );
}

/** Screens used now and then (nodes, camera import) behind one button, so the bar stays one row at 1280 px. */
function MoreMenu({ role }: { role: string }) {
  const menu = useRef<HTMLDetailsElement>(null);
  const links = [
    { path: '/nodes', label: t('nodes.link'), id: 'nodes-link' },
    ...(role === 'admin' ? [{ path: '/import', label: t('import.link'), id: 'import-link' }] : []),
    // issue 13: how long each kind of data is kept
    ...(role === 'admin' || role === 'auditor' ? [{ path: '/retention', label: t('retention.link'), id: 'retention-link' }] : []),
  ];
  useEffect(() => {
    // A click elsewhere or Escape closes it, as a menu does.
    const close = (event: Event) => {
      const el = menu.current;
      if (!el?.open) return;
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !el.contains(event.target as Node)) el.open = false;
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);
  return (
    <details className="topbar-more" ref={menu}>
      <summary className="button button-quiet" data-testid="topbar-more">{t('topbar.more')}</summary>
      <div className="topbar-menu">
        {links.map((l) => (
          <a key={l.path} href={l.path} data-testid={l.id} onClick={(event) => { if (menu.current) menu.current.open = false; onLinkClick(event, l.path); }}>{l.label}</a>
        ))}
      </div>
    </details>
  );
}

export function TopBar({ user, onLogout }: { user: User; onLogout: () => void }) {
  useI18n();
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">{t('app.name')}</span>
        <span className="brand-subtitle">{t('app.subtitle')}</span>
      </div>
      <ScreenNav role={user.role} />
      <p className="audit-notice" role="note" data-testid="audit-notice">
        <span className="audit-dot" aria-hidden="true" />
        {t('notice.audit')}
      </p>
      <div className="topbar-end">
        <MoreMenu role={user.role} />
        <span className="user" title={t('topbar.signedInAs', { username: user.username })} data-testid="user">
          <span className="user-name" dir="auto">{user.username}</span>
          <span className="user-role">{roleLabel(user.role)}</span>
        </span>
        <LanguagePicker />
        <button type="button" className="button button-quiet" onClick={onLogout}>{t('topbar.logout')}</button>
      </div>
    </header>
  );
}
