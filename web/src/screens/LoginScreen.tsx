import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, login, NETWORK_ERROR } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { LanguagePicker } from '../components/TopBar.tsx';
import { t, useI18n } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';

type LoginProblem =
  | { kind: 'invalid' }
  | { kind: 'throttled'; until: number }
  | { kind: 'network' }
  | { kind: 'missing' }
  | { kind: 'other'; error: unknown };

export function LoginScreen({ onLoggedIn }: { onLoggedIn: (user: User) => void }) {
  useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<LoginProblem | null>(null);
  const [now, setNow] = useState(() => Date.now());

  // Count the throttle down so the operator sees when trying again makes sense.
  useEffect(() => {
    if (problem?.kind !== 'throttled') return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [problem]);

  const waitSeconds = problem?.kind === 'throttled' ? Math.max(0, Math.ceil((problem.until - now) / 1000)) : 0;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy || waitSeconds > 0) return;
    if (!username || !password) {
      setProblem({ kind: 'missing' });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const user = await login(username, password);
      onLoggedIn(user);
    } catch (error) {
      setPassword('');
      if (error instanceof ApiError && error.status === 401) setProblem({ kind: 'invalid' });
      else if (error instanceof ApiError && error.status === 429) {
        setNow(Date.now());
        setProblem({ kind: 'throttled', until: Date.now() + (error.retryAfterSec ?? 30) * 1000 });
      } else if (error instanceof ApiError && error.code === NETWORK_ERROR) setProblem({ kind: 'network' });
      else setProblem({ kind: 'other', error });
    } finally {
      setBusy(false);
    }
  }

  let message: string | null = null;
  if (problem?.kind === 'invalid') message = t('login.error.invalid');
  else if (problem?.kind === 'throttled') message = waitSeconds > 0 ? t('login.error.throttled', { seconds: waitSeconds }) : null;
  else if (problem?.kind === 'network') message = t('login.error.network');
  else if (problem?.kind === 'missing') message = t('login.error.missing');
  else if (problem?.kind === 'other') message = t('login.error.other', { message: errorText(problem.error) });

  return (
    <main className="login-page">
      <div className="login-language"><LanguagePicker /></div>
      <form className="login-card" onSubmit={submit} noValidate aria-describedby="login-intro">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-subtitle">{t('app.subtitle')}</span>
        </div>
        <h1 className="login-title">{t('login.title')}</h1>
        <p id="login-intro" className="muted">{t('login.intro')}</p>
        <label className="field">
          <span className="field-label">{t('login.username')}</span>
          <input name="username" autoComplete="username" autoFocus value={username} onChange={(e) => setUsername(e.target.value)} required dir="auto" />
        </label>
        <label className="field">
          <span className="field-label">{t('login.password')}</span>
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {message && <p className="form-error" role="alert" data-testid="login-error">{message}</p>}
        <button type="submit" className="button button-primary" disabled={busy || waitSeconds > 0}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
        <p className="audit-notice audit-notice-block" role="note">
          <span className="audit-dot" aria-hidden="true" />
          {t('notice.audit')}
        </p>
      </form>
    </main>
  );
}
