import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { createUser, endSessions, listUsers, removeUser, resetPassword, updateUser } from '../api/client.ts';
import type { ManagedUser, Role, ScopeRef } from '../api/types.ts';
import { roleLabel } from '../components/TopBar.tsx';
import { formatDateTime, t, useI18n } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';

const ROLES: Role[] = ['admin', 'supervisor', 'operator', 'viewer', 'auditor'];

/** "site:north, group:gates" → scopes; empty → every camera (null). */
export function parseScopes(text: string): ScopeRef[] | null {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return null;
  return parts.map((p) => {
    const [kind, ...rest] = p.split(':');
    return { kind: kind.trim() === 'group' ? 'group' : 'site', id: rest.join(':').trim() || kind.trim() };
  });
}

export function scopesText(scopes: ScopeRef[] | null): string {
  return scopes === null ? '' : scopes.map((s) => `${s.kind}:${s.id}`).join(', ');
}

export function UsersScreen({ me }: { me: string }) {
  useI18n();
  const [users, setUsers] = useState<ManagedUser[] | null>(null);
  // Kept as a function and called while rendering, so a language switch also changes the banner.
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: () => string } | null>(null);
  const [form, setForm] = useState({ username: '', password: '', role: 'operator' as Role, scopes: '' });

  const load = useCallback(() => {
    listUsers().then(setUsers, (e: unknown) => setNotice({ kind: 'error', text: () => errorText(e) }));
  }, []);
  useEffect(load, [load]);

  const act = (what: Promise<unknown>, ok: () => string) =>
    what.then(() => {
      setNotice({ kind: 'ok', text: ok });
      load();
    }, (e: unknown) => setNotice({ kind: 'error', text: () => errorText(e) }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void act(createUser({ username: form.username.trim(), password: form.password, role: form.role, scopes: parseScopes(form.scopes) }), () => t('users.created', { username: form.username.trim() }))
      .then(() => setForm((f) => ({ ...f, username: '', password: '' })));
  };

  return (
    <main id="content" className="admin-screen" data-testid="users-screen">
      <h1 className="screen-title">{t('users.title')}</h1>
      {notice && <p className={`banner ${notice.kind === 'ok' ? 'banner-ok' : 'banner-error'}`} role={notice.kind === 'ok' ? 'status' : 'alert'} data-testid="users-notice">{notice.text()}</p>}
      <form className="admin-form" onSubmit={submit} data-testid="user-form">
        <h2 className="admin-subtitle">{t('users.add')}</h2>
        <label className="field">
          <span className="field-label">{t('users.username')}</span>
          <input name="new-username" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} required autoComplete="off" dir="ltr" />
        </label>
        <label className="field">
          <span className="field-label">{t('users.password')}</span>
          <input name="new-password" type="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} required autoComplete="new-password" dir="ltr" />
          <span className="field-hint">{t('users.passwordRules')}</span>
        </label>
        <label className="field">
          <span className="field-label">{t('users.role')}</span>
          <select name="new-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('users.scopes')}</span>
          <input name="new-scopes" value={form.scopes} onChange={(e) => setForm({ ...form, scopes: e.target.value })} placeholder="site:north, group:gates" dir="ltr" />
          <span className="field-hint">{t('users.scopesHint')}</span>
        </label>
        <button type="submit" className="button">{t('users.create')}</button>
      </form>

      <table className="admin-table" data-testid="users-table">
        <thead>
          <tr>
            <th scope="col">{t('users.col.user')}</th>
            <th scope="col">{t('users.col.role')}</th>
            <th scope="col">{t('users.col.scopes')}</th>
            <th scope="col">{t('users.col.state')}</th>
            <th scope="col">{t('users.col.created')}</th>
            <th scope="col">{t('users.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {(users ?? []).map((u) => (
            <tr key={u.id} data-testid={`user-row-${u.username}`}>
              <td dir="ltr">{u.username}</td>
              <td>
                <select aria-label={t('users.role')} value={u.role} disabled={u.username === me} onChange={(e) => void act(updateUser(u.id, { role: e.target.value as Role }), () => t('users.saved'))}>
                  {ROLES.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}
                </select>
              </td>
              <td dir="ltr">{u.scopes === null ? <span className="muted">{t('users.allCameras')}</span> : scopesText(u.scopes)}</td>
              <td>{u.disabled ? t('users.state.disabled') : t('users.state.active')}</td>
              <td>{formatDateTime(u.createdAt)}</td>
              <td className="row-actions">
                {u.username !== me && (
                  <button type="button" className="button button-quiet" onClick={() => void act(updateUser(u.id, { disabled: !u.disabled }), () => t('users.saved'))}>
                    {u.disabled ? t('users.enable') : t('users.disable')}
                  </button>
                )}
                <button
                  type="button"
                  className="button button-quiet"
                  onClick={() => {
                    const password = window.prompt(t('users.newPassword', { username: u.username }));
                    if (password) void act(resetPassword(u.id, password), () => t('users.passwordReset', { username: u.username }));
                  }}
                >
                  {t('users.resetPassword')}
                </button>
                <button type="button" className="button button-quiet" onClick={() => void act(endSessions(u.id).then((n) => n), () => t('users.sessionsEnded', { username: u.username }))}>
                  {t('users.endSessions')}
                </button>
                {u.username !== me && (
                  <button
                    type="button"
                    className="button button-quiet button-danger"
                    onClick={() => {
                      if (window.confirm(t('users.confirmRemove', { username: u.username }))) void act(removeUser(u.id), () => t('users.removed', { username: u.username }));
                    }}
                  >
                    {t('users.remove')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
