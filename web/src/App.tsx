import { useCallback, useEffect, useState } from 'react';
import { getSession, listCameras, logout, onUnauthorized } from './api/client.ts';
import { errorText } from './api/error-text.ts';
import type { User } from './api/types.ts';
import { TopBar } from './components/TopBar.tsx';
import { AlarmPanel } from './alarms/AlarmPanel.tsx';
import { AlarmScreen } from './alarms/AlarmScreen.tsx';
import { AlarmHistory } from './alarms/AlarmHistory.tsx';
import { useAlarmFeed } from './alarms/alarm-feed.ts';
import { t, useI18n } from './i18n/index.ts';
import { usePolling } from './polling.ts';
import { useRoute } from './router.ts';
import { CameraGrid } from './screens/CameraGrid.tsx';
import { CameraView } from './screens/CameraView.tsx';
import { MapScreen } from './map/MapScreen.tsx';
import { LoginScreen } from './screens/LoginScreen.tsx';
import { UsersScreen } from './screens/UsersScreen.tsx';
import { AuditScreen } from './screens/AuditScreen.tsx';
import { NodesScreen } from './screens/NodesScreen.tsx';
import { RulesScreen } from './drawing/RulesScreen.tsx';
import { CalibrationScreen } from './drawing/CalibrationScreen.tsx';
import { WallScreen } from './wall/WallScreen.tsx';
import { EvidenceScreen } from './traffic/EvidenceScreen.tsx';
import { TrafficScreen } from './traffic/TrafficScreen.tsx';
import { InvestigationScreen } from './playback/InvestigationScreen.tsx';
import { ImportScreen } from './import/ImportScreen.tsx';
import { ExportsScreen } from './privacy/ExportsScreen.tsx';
import { CameraPurposeScreen } from './privacy/CameraPurposeScreen.tsx';
import { RetentionScreen } from './privacy/RetentionScreen.tsx';

type Session = { kind: 'checking' } | { kind: 'signedOut' } | { kind: 'signedIn'; user: User } | { kind: 'error'; error: unknown };

export function App() {
  useI18n();
  const [session, setSession] = useState<Session>({ kind: 'checking' });

  const check = useCallback(() => {
    getSession()
      .then((user) => setSession(user ? { kind: 'signedIn', user } : { kind: 'signedOut' }))
      .catch((error: unknown) => setSession({ kind: 'error', error }));
  }, []);

  useEffect(check, [check]);
  useEffect(() => onUnauthorized(() => setSession({ kind: 'signedOut' })), []);

  if (session.kind === 'checking') return <p className="splash">{t('app.loading')}</p>;
  if (session.kind === 'error') {
    return (
      <div className="splash">
        <p className="banner banner-error" role="alert">{t('login.error.other', { message: errorText(session.error) })}</p>
        <button type="button" className="button" onClick={check}>{t('login.submit')}</button>
      </div>
    );
  }
  if (session.kind === 'signedOut') return <LoginScreen onLoggedIn={(user) => setSession({ kind: 'signedIn', user })} />;

  const signOut = () => {
    logout().catch(() => { /* the session is dropped locally either way */ }).finally(() => setSession({ kind: 'signedOut' }));
  };
  return <SignedIn user={session.user} onLogout={signOut} />;
}

function SignedIn({ user, onLogout }: { user: User; onLogout: () => void }) {
  const route = useRoute();
  // One feed for the queue and the alarm screen: one WebSocket, one list.
  const feed = useAlarmFeed();
  const canAudit = user.role === 'admin' || user.role === 'auditor';
  // Polled here, not in the grid, so coming back from a camera view shows the list at once.
  const cameras = usePolling(listCameras, 2500, 'cameras');
  const loadError = cameras.error === null ? null : errorText(cameras.error);
  return (
    <div className="shell">
      <a className="skip-link" href="#content">{t('app.skipToContent')}</a>
      <TopBar user={user} onLogout={onLogout} />
      <div className="main-area">
        {route.name === 'users' && user.role === 'admin' ? <UsersScreen me={user.username} />
          : route.name === 'audit' && canAudit ? <AuditScreen />
          // issue 13: retention of every kind (admins change it, auditors read it)
          : route.name === 'retention' && canAudit ? <RetentionScreen mayChange={user.role === 'admin'} />
          // Auditors read the log; they have no video to look at.
          : user.role === 'auditor' ? <AuditScreen />
          : route.name === 'camera' ? <CameraView id={route.id} me={user.username} canConfigure={user.role === 'admin'} canBookmark={user.role !== 'viewer'} />
          : route.name === 'rules' ? <RulesScreen id={route.id} />
          : route.name === 'calibration' ? <CalibrationScreen id={route.id} />
          : route.name === 'nodes' ? <NodesScreen />
          : route.name === 'import' && user.role === 'admin' ? <ImportScreen />
          // issue 13: exports and four-eyes approval (viewers export nothing)
          : route.name === 'exports' && user.role !== 'viewer' ? <ExportsScreen user={user} cameras={cameras.data} />
          : route.name === 'purpose' && user.role === 'admin' ? <CameraPurposeScreen id={route.id} />
          : route.name === 'alarm' ? <AlarmScreen id={route.id} feed={feed} />
          : route.name === 'evidence' ? <EvidenceScreen id={route.id} />
          : route.name === 'traffic' ? <TrafficScreen cameraId={route.id} />
          : route.name === 'alarmHistory' ? <AlarmHistory />
          : route.name === 'grid' ? <CameraGrid cameras={cameras.data} loadError={loadError} />
          : route.name === 'wall' ? <WallScreen user={user} cameras={cameras.data} />
          : route.name === 'investigate' ? <InvestigationScreen user={user} cameras={cameras.data} />
          : <MapScreen />}
        {route.name !== 'map' && user.role !== 'auditor' && <AlarmPanel feed={feed} />}
      </div>
      <footer className="statusbar">
        <span className="statusbar-item">{t('notice.audio')}</span>
        {route.name === 'grid' && <span className="statusbar-item">{t('grid.shortcuts')}</span>}
      </footer>
    </div>
  );
}
