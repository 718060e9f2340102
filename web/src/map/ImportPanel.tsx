// Imports on the map screen ("Place cameras" mode): camera places from CSV or GeoJSON, sites from
// GeoJSON, and the city's basemap (PMTiles, MBTiles, or an image with its corners). The server checks
// everything; a refused file changes nothing and its reason is shown as the server gives it.
import { useState } from 'react';
import { formatNumber, t } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { basemapType, importBasemap, importPlacements, importSites, type BasemapView, type ImportResult } from './map-api.ts';

type Kind = 'placements' | 'sites' | 'basemap';
type Outcome = { kind: 'done'; result: ImportResult } | { kind: 'basemap'; info: BasemapView } | { kind: 'error'; error: unknown } | null;

export function ImportPanel({ onImported, onBasemap }: { onImported: () => void; onBasemap: (info: BasemapView) => void }) {
  const [kind, setKind] = useState<Kind>('placements');
  const [file, setFile] = useState<File | null>(null);
  const [corners, setCorners] = useState('');
  const [skipBad, setSkipBad] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const isImage = kind === 'basemap' && file !== null && (basemapType(file.name) ?? '').startsWith('image/');

  const run = async () => {
    if (!file) return;
    setBusy(true);
    setOutcome(null);
    try {
      if (kind === 'basemap') {
        const info = await importBasemap(file, isImage ? corners : null);
        setOutcome({ kind: 'basemap', info });
        onBasemap(info);
      } else {
        const text = await file.text();
        const result = kind === 'sites' ? await importSites(text, skipBad) : await importPlacements(/\.csv$/i.test(file.name) ? 'csv' : 'geojson', text, skipBad);
        setOutcome({ kind: 'done', result });
        onImported();
      }
    } catch (e) {
      setOutcome({ kind: 'error', error: e });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="map-section map-import" data-testid="map-import">
      <h2>{t('map.import.title')}</h2>
      <label>{t('map.import.kind')}
        <select value={kind} data-testid="import-kind" onChange={(e) => { setKind(e.target.value as Kind); setOutcome(null); }}>
          {(['placements', 'sites', 'basemap'] as const).map((k) => <option key={k} value={k}>{t(`map.import.kind.${k}`)}</option>)}
        </select>
      </label>
      <label>{t('map.import.file')}
        <input type="file" data-testid="import-file"
          accept={kind === 'basemap' ? '.pmtiles,.mbtiles,.png,.jpg,.jpeg,.webp' : kind === 'sites' ? '.geojson,.json' : '.csv,.geojson,.json'}
          onChange={(e) => { setFile(e.target.files?.[0] ?? null); setOutcome(null); }} />
      </label>
      {isImage && (
        <label>{t('map.import.corners')}
          <input type="text" dir="ltr" value={corners} data-testid="import-corners" placeholder="69.15,34.53,69.17,34.53,69.17,34.51,69.15,34.51" onChange={(e) => setCorners(e.target.value)} />
        </label>
      )}
      {kind !== 'basemap' && (
        <label className="map-check"><input type="checkbox" checked={skipBad} data-testid="import-skip-bad" onChange={(e) => setSkipBad(e.target.checked)} />{t('map.import.skipBad')}</label>
      )}
      <p><button type="button" className="button" data-testid="import-run" disabled={!file || busy} onClick={() => void run()}>{busy ? t('app.loading') : t('map.import.run')}</button></p>
      {outcome?.kind === 'done' && (
        <div data-testid="import-result">
          <p>{t('map.import.done', { n: formatNumber(outcome.result.imported) })}</p>
          {outcome.result.skipped.length > 0 && (
            <>
              <p>{t('map.import.skipped', { n: formatNumber(outcome.result.skipped.length) })}</p>
              <ul className="map-list">{outcome.result.skipped.slice(0, 20).map((s) => <li key={s.where} dir="auto">{s.where}: {s.message}</li>)}</ul>
            </>
          )}
        </div>
      )}
      {outcome?.kind === 'basemap' && <p data-testid="import-result">{t('map.import.basemapDone', { kind: outcome.info.kind })}</p>}
      {outcome?.kind === 'error' && <p className="banner banner-error" role="alert" data-testid="import-error" dir="auto">{t('map.import.error', { message: errorText(outcome.error) })}</p>}
    </section>
  );
}
