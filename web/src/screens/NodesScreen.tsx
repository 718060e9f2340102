import { getClusterNodes } from '../api/client.ts';
import type { ClusterNode } from '../api/types.ts';
import { formatNumber, formatTime, t, useI18n, type MessageKey } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { usePolling } from '../polling.ts';
import { GRID_PATH } from '../router.ts';
import { BackLink } from '../components/BackLink.tsx';

function roleText(role: ClusterNode['role']): string {
  return t(`nodes.role.${role}` as MessageKey);
}

function NodeRow({ node }: { node: ClusterNode }) {
  const online = typeof node.health.online === 'number' ? node.health.online : null;
  return (
    <tr data-testid="node-row" data-node={node.id} className={node.alive ? '' : 'node-silent'}>
      <th scope="row" dir="ltr">{node.id}</th>
      <td>{roleText(node.role)}</td>
      <td data-testid="node-state">
        <span className={`badge ${node.alive ? 'badge-online' : 'badge-offline'}`}>{node.alive ? t('nodes.state.alive') : t('nodes.state.silent')}</span>
      </td>
      <td data-testid="node-cameras">{node.role === 'api' ? '—' : t('nodes.held', { held: formatNumber(node.held), capacity: formatNumber(node.capacity) })}</td>
      <td>{online === null || node.role === 'api' ? '—' : formatNumber(online)}</td>
      <td data-testid="node-full">{node.overCapacity > 0 ? <span className="badge badge-offline">{t('nodes.full', { n: formatNumber(node.overCapacity) })}</span> : '—'}</td>
      <td>{t('nodes.heard', { time: formatTime(Date.now() - node.silentMs), seconds: formatNumber(Math.round(node.silentMs / 1000)) })}</td>
    </tr>
  );
}

/** The nodes of a cluster with their health (issue 15); the embedded single process says so. */
export function NodesScreen() {
  useI18n();
  const nodes = usePolling(getClusterNodes, 2500, 'cluster-nodes');
  const data = nodes.data;
  const unassigned = data ? Math.max(0, ...data.nodes.filter((n) => n.alive).map((n) => n.unassigned)) : 0;
  return (
    <main className="camera-screen" id="content">
      <div className="toolbar">
        <BackLink to={GRID_PATH} label="camera.back" />
        <h1 className="toolbar-title">{t('nodes.title')}</h1>
        {data && <span className="toolbar-info" data-testid="nodes-summary">{t('nodes.summary', { alive: formatNumber(data.nodes.filter((n) => n.alive).length), total: formatNumber(data.nodes.length), self: data.self })}</span>}
      </div>
      {nodes.error !== null && <p className="banner banner-error" role="alert">{t('nodes.loadError', { message: errorText(nodes.error) })}</p>}
      {data === null && nodes.error === null && <p className="banner" data-testid="nodes-single">{t('nodes.single')}</p>}
      {unassigned > 0 && <p className="banner banner-error" role="alert" data-testid="nodes-unassigned">{t('nodes.unassigned', { n: formatNumber(unassigned) })}</p>}
      {data && (
        <section className="panel">
          <table className="nodes-table" data-testid="nodes-table">
            <thead>
              <tr>
                <th scope="col">{t('nodes.col.node')}</th>
                <th scope="col">{t('nodes.col.role')}</th>
                <th scope="col">{t('nodes.col.state')}</th>
                <th scope="col">{t('nodes.col.cameras')}</th>
                <th scope="col">{t('nodes.col.online')}</th>
                <th scope="col">{t('nodes.col.full')}</th>
                <th scope="col">{t('nodes.col.heard')}</th>
              </tr>
            </thead>
            <tbody>{data.nodes.map((n) => <NodeRow key={n.id} node={n} />)}</tbody>
          </table>
        </section>
      )}
    </main>
  );
}
