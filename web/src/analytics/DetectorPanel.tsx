import type { ReactNode } from 'react';
import { formatDecimal, t, useI18n } from '../i18n/index.ts';
import { usePolling } from '../polling.ts';
import { getDetectorView, type DetectorView } from './analytics-api.ts';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="detail-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/**
 * What the camera's detector is set to and what it costs per analysed frame (issue 16): detector
 * runs (crops and tiles), the CPU in 320 px runs (tiles and larger inputs cost more), and how long
 * a frame waited for the shared detector. For admins, who set it (GET …/analytics needs camera.update).
 */
export function DetectorPanel({ cameraId }: { cameraId: string }) {
  useI18n();
  const view = usePolling((signal) => getDetectorView(cameraId, signal), 5000, cameraId);
  const d: DetectorView | null = view.data;
  if (!d) return null;
  const tiles = d.detection.tiles;
  const cost = d.cost;
  return (
    <section className="panel" aria-labelledby="detector-title" data-testid="detector-panel" data-detector={d.detector ?? 'off'}>
      <h2 id="detector-title" className="panel-title">{t('det.title')}</h2>
      <dl className="details">
        <Row label={t('det.kind')}>{t(d.detector === 'neural' ? 'det.kind.neural' : d.detector === 'motion' ? 'det.kind.motion' : 'det.kind.off')}</Row>
        <Row label={t('det.input')}><span data-testid="detector-input">{t('det.inputValue', { px: d.detection.inputSize })}</span></Row>
        <Row label={t('det.tiles')}><span data-testid="detector-tiles">{tiles ? t('det.tilesRows', { rows: tiles.rows }) : t('det.tilesOff')}</span></Row>
      </dl>
      <h3 className="panel-subtitle">{t('det.costTitle')}</h3>
      {cost ? (
        <dl className="details" data-testid="detector-cost">
          <Row label={t('det.runs')}><span data-testid="detector-runs">{formatDecimal(cost.inferencesPerFrame, 2)}</span></Row>
          <Row label={t('det.units')}><span data-testid="detector-units">{t('det.unitsValue', { units: formatDecimal(cost.units320PerFrame, 2) })}</span></Row>
          <Row label={t('det.wait')}><span data-testid="detector-wait">{t('det.waitValue', { ms: formatDecimal(cost.detectorWallMsPerFrame, 1) })}</span></Row>
        </dl>
      ) : <p className="muted" data-testid="detector-no-cost">{t('det.noCost')}</p>}
      {tiles && <p className="muted">{t('det.tilesNote')}</p>}
    </section>
  );
}
