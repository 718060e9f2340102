// The map itself, on MapLibre GL JS: cameras clustered and coloured by state, cones, sites, outage
// hulls, pulsing alarms, street and site labels. Imperative (MapLibre is), driven by MapScreen.
//
// Nothing here is fetched from another origin: the style is built in code, the basemap comes from
// Vigil, the worker script is bundled. Labels are HTML markers drawn with fonts Vigil serves (Noto
// Sans and Noto Sans Arabic from npm), so Dari and Pashto names are shaped by the browser and no SDF
// glyph server is needed.
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, LngLatBoundsLike, MapMouseEvent, StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { Protocol } from 'pmtiles';
import type { Feature, FeatureCollection, Point, Polygon } from 'geojson';
// The cone geometry is the server's own (src/map is pure): one copy of how a cone is drawn.
import { conePolygon } from '../../../src/map/cone.ts';
import type { BasemapView, MapCamera, MapCluster, MapViewData, Outage, Site } from './map-api.ts';

maplibregl.setWorkerUrl(workerUrl);
// An imported basemap is a PMTiles archive on Vigil, read by HTTP range requests.
maplibregl.addProtocol('pmtiles', new Protocol().tile);

export type ImportedBasemap = Exclude<BasemapView, { kind: 'geojson' | 'none' }>;

export type CameraColour = 'online' | 'connecting' | 'offline' | 'disabled' | 'notRecording' | 'behind';

export const STATE_COLOURS: Record<CameraColour, string> = {
  online: '#3fb950',
  connecting: '#e3b341',
  offline: '#f85149',
  disabled: '#6e7681',
  notRecording: '#a371f7',
  behind: '#58a6ff',
};

export const SITE_COLOURS: Record<string, string> = {
  ministry: '#d29922', hospital: '#f778ba', school: '#79c0ff', checkpoint: '#ffa657', police: '#58a6ff',
  market: '#7ee787', transport: '#a5d6ff', embassy: '#d2a8ff', other: '#8b949e',
};

export function cameraColour(c: MapCamera, behind: ReadonlySet<string>): CameraColour {
  if (c.state === 'online' && behind.has(c.id)) return 'behind';
  if (c.state === 'online' && !c.recording) return 'notRecording';
  return c.state;
}

export interface MapViewEvents {
  onCameraClick(id: string): void;
  onCameraDoubleClick(id: string): void;
  onMapClick(lon: number, lat: number): void;
  onAlarmClick(alarmId: string, cameraId: string): void;
  onPlacementChange(id: string, change: { lon: number; lat: number; bearing: number; range: number }): void;
  /** The map came to rest on a new view: load its cameras (west, south, east, north with a margin). */
  onViewport(bbox: [number, number, number, number], zoom: number): void;
}

/** The share of the view's width and height loaded beyond each edge, so a short pan shows no gap. */
const VIEW_MARGIN = 0.15;

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
/** Cones are drawn from this zoom on, for the cameras in view only (62,000 cones at once help nobody). */
const CONE_MIN_ZOOM = 14;

/** The one font Vigil builds label glyphs from (src/map/glyph-font.ts). */
const LABEL_FONT = ['DejaVu Sans'];

function baseStyle(): StyleSpecification {
  return {
    version: 8,
    // Label glyphs from Vigil itself (built from Debian's DejaVu Sans): Latin and Arabic script.
    glyphs: `${location.origin}/api/map/glyphs/{fontstack}/{range}.pbf`,
    sources: {
      basemap: { type: 'geojson', data: EMPTY },
      sites: { type: 'geojson', data: EMPTY },
      outages: { type: 'geojson', data: EMPTY },
      cones: { type: 'geojson', data: EMPTY },
      // Clustered by the server (GET /api/map/view): the browser never holds a city's 62,000 cameras.
      cameras: { type: 'geojson', data: EMPTY },
      point: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#1b2129' } },
      { id: 'water', type: 'fill', source: 'basemap', filter: ['==', ['get', 'class'], 'water'], paint: { 'fill-color': '#1d3550' } },
      { id: 'blocks', type: 'fill', source: 'basemap', filter: ['==', ['get', 'class'], 'block'], paint: { 'fill-color': '#242c36' } },
      { id: 'streets-casing', type: 'line', source: 'basemap', filter: ['==', ['get', 'class'], 'street'], paint: { 'line-color': '#11161c', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 3, 17, 22] } },
      { id: 'streets', type: 'line', source: 'basemap', filter: ['==', ['get', 'class'], 'street'], paint: { 'line-color': '#3a4452', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1.5, 17, 16] } },
      { id: 'sites-fill', type: 'fill', source: 'sites', paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.18 } },
      { id: 'sites-line', type: 'line', source: 'sites', paint: { 'line-color': ['get', 'colour'], 'line-width': ['case', ['<=', ['get', 'priority'], 1], 2.5, 1.5] } },
      { id: 'cones', type: 'fill', source: 'cones', paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': ['case', ['get', 'selected'], 0.45, 0.16] } },
      { id: 'cones-line', type: 'line', source: 'cones', paint: { 'line-color': ['get', 'colour'], 'line-opacity': 0.55, 'line-width': ['case', ['get', 'selected'], 2, 0.7] } },
      { id: 'outages-fill', type: 'fill', source: 'outages', paint: { 'fill-color': '#f85149', 'fill-opacity': 0.22 } },
      { id: 'outages-line', type: 'line', source: 'outages', paint: { 'line-color': '#f85149', 'line-width': 2, 'line-dasharray': [2, 1] } },
      { id: 'clusters', type: 'circle', source: 'cameras', filter: ['has', 'point_count'], paint: {
        'circle-color': ['case', ['>', ['get', 'down'], 0], '#8b2f2b', '#1f6f3b'],
        'circle-stroke-color': '#d7dde5', 'circle-stroke-width': 1.5,
        'circle-radius': ['step', ['get', 'point_count'], 14, 10, 18, 100, 24, 1000, 30],
      } },
      { id: 'cameras', type: 'circle', source: 'cameras', filter: ['!', ['has', 'point_count']], paint: {
        'circle-color': ['get', 'colour'], 'circle-radius': ['case', ['get', 'ptz'], 7, 6],
        'circle-stroke-color': ['case', ['get', 'selected'], '#ffffff', '#0b0e12'], 'circle-stroke-width': ['case', ['get', 'selected'], 3, 1.5],
      } },
      { id: 'point', type: 'circle', source: 'point', paint: { 'circle-color': '#ffffff', 'circle-radius': 6, 'circle-stroke-color': '#5aa9e6', 'circle-stroke-width': 3 } },
    ],
  };
}

function bboxOf(features: { geometry: unknown }[]): LngLatBoundsLike | null {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      w = Math.min(w, x!); e = Math.max(e, x!); s = Math.min(s, y!); n = Math.max(n, y!);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of features) visit((f.geometry as { coordinates?: unknown }).coordinates);
  return Number.isFinite(w) ? [[w, s], [e, n]] : null;
}

function label(className: string, lines: { text: string; lang?: string }[]): HTMLElement {
  const el = document.createElement('div');
  el.className = `map-label ${className}`;
  for (const line of lines) {
    const span = document.createElement('span');
    span.textContent = line.text;
    if (line.lang) span.lang = line.lang;
    span.dir = 'auto';
    el.append(span);
  }
  return el;
}

/** A place's name in the page's language where the basemap has it (name:fa, name:ps …), else its own. */
function labelName(): maplibregl.ExpressionSpecification {
  const lang = document.documentElement.lang.split('-')[0] || 'en';
  return ['coalesce', ['get', `name:${lang}`], ['get', 'name']];
}

/** Where the handle at the tip of a cone sits: `range` metres from the camera along its bearing. */
function tipOf(lon: number, lat: number, bearing: number, range: number): [number, number] {
  const rad = (bearing * Math.PI) / 180;
  const dLat = (Math.cos(rad) * range) / 111_195;
  const dLon = (Math.sin(rad) * range) / (111_195 * Math.cos((lat * Math.PI) / 180));
  return [lon + dLon, lat + dLat];
}

export class MapView {
  readonly map: maplibregl.Map;
  private readonly events: MapViewEvents;
  private cameras: MapCamera[] = [];
  private clusters: MapCluster[] = [];
  private pending: { view: MapViewData; behind: ReadonlySet<string> } | null = null;
  /** The selected camera as last seen, so its cone stays drawn when a zoom-out clusters it. */
  private selectedCam: MapCamera | null = null;
  private behind: ReadonlySet<string> = new Set();
  private selected: string | null = null;
  private editing = false;
  /** While a handle is dragged, the handles are not redrawn under the pointer. */
  private dragging = false;
  private editFor: string | null = null;
  private staticLabels: maplibregl.Marker[] = [];
  private clusterMarkers = new Map<string, maplibregl.Marker>();
  private outageMarkers: maplibregl.Marker[] = [];
  private alarmMarkers = new Map<string, maplibregl.Marker>();
  private editMarkers: maplibregl.Marker[] = [];
  private clickTimer: ReturnType<typeof setTimeout> | null = null;
  private fitted = false;
  private ready: Promise<void>;
  /** Set on the container once the cameras are drawn (tests and the first-render figure read it). */
  renderedAt: number | null = null;

  constructor(container: HTMLElement, events: MapViewEvents, center: [number, number] = [69.16, 34.515]) {
    this.events = events;
    this.map = new maplibregl.Map({
      container, style: baseStyle(), center, zoom: 14, attributionControl: false,
      doubleClickZoom: false, dragRotate: false, pitchWithRotate: false, maxPitch: 0,
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.ready = new Promise((resolve) => this.map.once('load', () => resolve()));
    this.map.on('click', (e) => this.click(e));
    this.map.on('dblclick', (e) => this.doubleClick(e));
    this.map.on('moveend', () => {
      if (this.pending) void this.setView(this.pending.view, this.pending.behind);
      else this.drawCones();
      this.emitViewport();
    });
    // Zoomed out, street names and site details would pile on one another: only site names stay.
    const far = () => container.classList.toggle('map-far', this.map.getZoom() < 14.5);
    this.map.on('zoom', far);
    far();
    // The cameras are asked for at once, while the style and its worker load, not after.
    queueMicrotask(() => this.emitViewport());
    for (const layer of ['cameras', 'clusters']) {
      this.map.on('mouseenter', layer, () => { this.map.getCanvas().style.cursor = 'pointer'; });
      this.map.on('mouseleave', layer, () => { this.map.getCanvas().style.cursor = ''; });
    }
  }

  private emitViewport(): void {
    const b = this.map.getBounds();
    const dx = (b.getEast() - b.getWest()) * VIEW_MARGIN, dy = (b.getNorth() - b.getSouth()) * VIEW_MARGIN;
    this.events.onViewport([
      Math.max(-180, b.getWest() - dx), Math.max(-85, b.getSouth() - dy), Math.min(180, b.getEast() + dx), Math.min(85, b.getNorth() + dy),
    ], this.map.getZoom());
  }

  private source(name: string): GeoJSONSource {
    return this.map.getSource(name) as GeoJSONSource;
  }

  private cameraAt(e: MapMouseEvent): string | null {
    const box: [maplibregl.PointLike, maplibregl.PointLike] = [[e.point.x - 6, e.point.y - 6], [e.point.x + 6, e.point.y + 6]];
    const hit = this.map.queryRenderedFeatures(box, { layers: ['cameras'] })[0];
    return hit ? String(hit.properties.id) : null;
  }

  private click(e: MapMouseEvent): void {
    const cluster = this.map.queryRenderedFeatures(e.point, { layers: ['clusters'] })[0];
    if (cluster) {
      const p = cluster.properties as { w: number; s: number; e: number; n: number };
      // Into the box of its cameras, a step in at least (cameras on one spot have a box of zero).
      this.map.fitBounds([[p.w, p.s], [p.e, p.n]], { padding: 60, maxZoom: Math.max(this.map.getZoom() + 2, 17), minZoom: this.map.getZoom() + 1, duration: 400 } as maplibregl.FitBoundsOptions);
      return;
    }
    const cam = this.cameraAt(e);
    // A double click is two clicks first: wait a moment so it does not also select and re-select.
    if (this.clickTimer) clearTimeout(this.clickTimer);
    this.clickTimer = setTimeout(() => {
      this.clickTimer = null;
      if (cam) this.events.onCameraClick(cam);
      else this.events.onMapClick(e.lngLat.lng, e.lngLat.lat);
    }, 220);
  }

  private doubleClick(e: MapMouseEvent): void {
    if (this.clickTimer) clearTimeout(this.clickTimer);
    this.clickTimer = null;
    const cam = this.cameraAt(e);
    if (cam) this.events.onCameraDoubleClick(cam);
    else this.map.easeTo({ center: e.lngLat, zoom: this.map.getZoom() + 1 });
  }

  async setBasemap(doc: FeatureCollection | null): Promise<void> {
    await this.ready;
    for (const m of this.staticLabels) m.remove();
    this.staticLabels = [];
    this.source('basemap').setData(doc ?? EMPTY);
    if (!doc) return;
    for (const f of doc.features) {
      if (f.properties?.class !== 'label' || f.geometry.type !== 'Point') continue;
      const el = label('map-label-street', [{ text: String(f.properties.name) }, { text: String(f.properties.name_local ?? ''), lang: 'fa' }]);
      if (f.properties.rotate) el.style.setProperty('--rotate', `${f.properties.rotate}deg`);
      this.staticLabels.push(new maplibregl.Marker({ element: el }).setLngLat(f.geometry.coordinates as [number, number]).addTo(this.map));
    }
    const box = bboxOf(doc.features.filter((f) => f.properties?.class === 'block'));
    if (box && !this.fitted) {
      this.fitted = true;
      this.map.fitBounds(box, { padding: 30, duration: 0 });
    }
  }

  /**
   * An imported basemap under everything else: a PMTiles archive or MBTiles file (vector tiles drawn
   * in a plain style that fits any schema, or raster tiles), or a georeferenced image.
   */
  async setImportedBasemap(info: ImportedBasemap): Promise<void> {
    await this.ready;
    // A new import replaces the one drawn (the image source caches its picture: a new id each time).
    for (const layer of this.map.getStyle().layers) if (layer.id.startsWith('imported-')) this.map.removeLayer(layer.id);
    if (this.map.getSource('imported')) this.map.removeSource('imported');
    const below = 'streets-casing';
    if (info.kind === 'raster') {
      const [tl, tr, br, bl] = info.corners;
      this.map.addSource('imported', { type: 'image', url: `${location.origin}/api/map/basemap/image?v=${info.bytes}-${info.corners.flat().join(',')}`, coordinates: [tl, tr, br, bl] as [[number, number], [number, number], [number, number], [number, number]] });
      this.map.addLayer({ id: 'imported-image', type: 'raster', source: 'imported', paint: { 'raster-opacity': 0.9, 'raster-fade-duration': 0 } }, below);
    } else {
      const tiles = info.kind === 'pmtiles'
        ? { url: `pmtiles://${location.origin}/api/map/basemap.pmtiles` }
        : { tiles: [`${location.origin}/api/map/basemap/tiles/{z}/{x}/{y}?v=${info.bytes}`], minzoom: info.minZoom, maxzoom: info.maxZoom, bounds: info.bounds };
      if (info.tileType === 'mvt') {
        this.map.addSource('imported', { type: 'vector', ...tiles });
        const name = labelName();
        const text = { 'text-color': '#c3ccd6', 'text-halo-color': '#0b0e12', 'text-halo-width': 1.5 };
        for (const layer of info.vectorLayers) {
          this.map.addLayer({ id: `imported-${layer}-fill`, type: 'fill', source: 'imported', 'source-layer': layer, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#262e39', 'fill-outline-color': '#323c48' } }, below);
          this.map.addLayer({ id: `imported-${layer}-line`, type: 'line', source: 'imported', 'source-layer': layer, filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': '#3a4452', 'line-width': 1.5 } }, below);
          // Street names along their streets, place names at their points: under the sites and cameras.
          this.map.addLayer({
            id: `imported-${layer}-street-names`, type: 'symbol', source: 'imported', 'source-layer': layer,
            filter: ['all', ['==', ['geometry-type'], 'LineString'], ['has', 'name']],
            layout: { 'symbol-placement': 'line', 'text-field': name, 'text-font': LABEL_FONT, 'text-size': 12, 'text-max-angle': 30 },
            paint: text,
          }, 'sites-fill');
          this.map.addLayer({
            id: `imported-${layer}-place-names`, type: 'symbol', source: 'imported', 'source-layer': layer,
            filter: ['all', ['==', ['geometry-type'], 'Point'], ['has', 'name']],
            layout: { 'text-field': name, 'text-font': LABEL_FONT, 'text-size': 12 },
            paint: text,
          }, 'sites-fill');
        }
      } else {
        this.map.addSource('imported', { type: 'raster', tileSize: 256, ...tiles });
        this.map.addLayer({ id: 'imported-raster', type: 'raster', source: 'imported' }, below);
      }
    }
    this.map.getContainer().dataset.basemap = info.kind;
  }

  /** The imported basemap's names follow the page's language when it changes. */
  setLabelLanguage(): void {
    if (!this.map.getSource('imported')) return;
    for (const layer of this.map.getStyle().layers) {
      if (layer.id.startsWith('imported-') && layer.type === 'symbol') this.map.setLayoutProperty(layer.id, 'text-field', labelName());
    }
  }

  private siteLabels: maplibregl.Marker[] = [];

  async setSites(sites: Site[], kindLabel: (kind: string) => string): Promise<void> {
    await this.ready;
    const features: Feature<Polygon>[] = sites.map((s) => ({
      type: 'Feature', properties: { id: s.id, name: s.name, kind: s.kind, priority: s.priority, colour: SITE_COLOURS[s.kind] ?? SITE_COLOURS.other },
      geometry: { type: 'Polygon', coordinates: [s.polygon.map((p) => [p[0]!, p[1]!])] },
    }));
    this.source('sites').setData({ type: 'FeatureCollection', features });
    for (const m of this.siteLabels) m.remove();
    this.siteLabels = sites.map((s) => {
      const lon = s.polygon.reduce((a, p) => a + p[0]!, 0) / s.polygon.length;
      const lat = s.polygon.reduce((a, p) => a + p[1]!, 0) / s.polygon.length;
      const el = label('map-label-site', [{ text: s.name }, { text: `${kindLabel(s.kind)} · P${s.priority}` }]);
      el.dataset.testid = 'site-label';
      el.style.setProperty('--site', SITE_COLOURS[s.kind] ?? SITE_COLOURS.other!);
      return new maplibregl.Marker({ element: el }).setLngLat([lon, lat]).addTo(this.map);
    });
  }

  /** What the server sent for the view: clusters and the cameras drawn one by one. */
  async setView(view: MapViewData, behind: ReadonlySet<string>): Promise<void> {
    await this.ready;
    // A view that lands while the map moves is drawn when it stops (redrawing costs a frame of a pan).
    if (this.map.isMoving() && this.fitted) {
      this.pending = { view, behind };
      return;
    }
    this.pending = null;
    this.cameras = view.cameras;
    this.clusters = view.clusters;
    this.behind = behind;
    const sel = this.selected ? view.cameras.find((c) => c.id === this.selected) : undefined;
    if (sel) this.selectedCam = sel;
    this.drawCameras();
    this.drawClusterLabels();
    this.drawCones();
    if (!this.dragging) this.drawEditHandles();
    if (!this.fitted && view.extent) {
      this.fitted = true;
      const [w, s, e, n] = view.extent as [number, number, number, number];
      this.map.fitBounds([[w, s], [e, n]], { padding: 40, duration: 0, maxZoom: 16 });
    }
    const container = this.map.getContainer();
    container.dataset.rendered = String(view.total);
    container.dataset.clusters = String(view.clusters.length);
    if (this.renderedAt === null && view.total > 0) {
      this.map.once('idle', () => {
        this.renderedAt = performance.now();
        container.dataset.renderedAt = String(Math.round(this.renderedAt));
      });
    }
  }

  private drawCameras(): void {
    const features: Feature[] = this.cameras.map((c) => {
      const colour = STATE_COLOURS[cameraColour(c, this.behind)];
      return {
        type: 'Feature', properties: { id: c.id, colour, ptz: c.ptz, selected: c.id === this.selected },
        geometry: { type: 'Point', coordinates: [c.lon, c.lat] },
      };
    });
    for (const k of this.clusters) {
      const [w, s, e, n] = k.bbox as [number, number, number, number];
      features.push({
        type: 'Feature', properties: { cluster_id: k.id, point_count: k.count, down: k.down, w, s, e, n },
        geometry: { type: 'Point', coordinates: [k.lon, k.lat] },
      });
    }
    this.source('cameras').setData({ type: 'FeatureCollection', features });
  }

  /** The selected camera: as in the view, else as last seen. */
  private selectedCamera(): MapCamera | undefined {
    if (!this.selected) return undefined;
    return this.cameras.find((c) => c.id === this.selected) ?? (this.selectedCam?.id === this.selected ? this.selectedCam : undefined);
  }

  /** Cones of the cameras in view (and always the selected one's). */
  private drawCones(): void {
    if (!this.map.getSource('cones')) return;
    const zoom = this.map.getZoom();
    const bounds = this.map.getBounds();
    const features: Feature[] = [];
    const sel = this.selectedCamera();
    const drawn = sel && !this.cameras.includes(sel) ? [...this.cameras, sel] : this.cameras;
    for (const c of drawn) {
      const isSelected = c.id === this.selected;
      if (!isSelected && (zoom < CONE_MIN_ZOOM || !bounds.contains([c.lon, c.lat]))) continue;
      features.push({
        type: 'Feature',
        properties: { id: c.id, colour: STATE_COLOURS[cameraColour(c, this.behind)], selected: isSelected },
        geometry: { type: 'Polygon', coordinates: [conePolygon(c, 16).map((p) => [p[0], p[1]])] },
      });
    }
    this.source('cones').setData({ type: 'FeatureCollection', features });
  }

  /** Cluster counts as HTML (no glyph server): one marker per cluster, kept while its cell stays. */
  private drawClusterLabels(): void {
    const seen = new Set<string>();
    const format = new Intl.NumberFormat(document.documentElement.lang);
    for (const k of this.clusters) {
      seen.add(k.id);
      let marker = this.clusterMarkers.get(k.id);
      if (!marker) {
        const el = document.createElement('div');
        el.className = 'map-cluster-count';
        el.dataset.testid = 'cluster';
        marker = new maplibregl.Marker({ element: el }).setLngLat([k.lon, k.lat]).addTo(this.map);
        this.clusterMarkers.set(k.id, marker);
      }
      const text = format.format(k.count);
      if (marker.getElement().textContent !== text) marker.getElement().textContent = text;
      marker.setLngLat([k.lon, k.lat]);
    }
    for (const [id, marker] of this.clusterMarkers) {
      if (!seen.has(id)) {
        marker.remove();
        this.clusterMarkers.delete(id);
      }
    }
  }

  async setOutages(outages: Outage[], describe: (o: Outage) => string): Promise<void> {
    await this.ready;
    const features: Feature[] = outages.map((o) => ({ type: 'Feature', properties: { id: o.id, count: o.count }, geometry: { type: 'Polygon', coordinates: [o.hull] } }));
    this.source('outages').setData({ type: 'FeatureCollection', features });
    for (const m of this.outageMarkers) m.remove();
    this.outageMarkers = outages.map((o) => {
      const top = o.hull.reduce((best, p) => (p[1]! > best[1]! ? p : best), o.hull[0]!);
      const el = label('map-label-outage', [{ text: describe(o) }]);
      el.dataset.testid = 'outage-label';
      return new maplibregl.Marker({ element: el, anchor: 'bottom' }).setLngLat([top[0]!, top[1]!]).addTo(this.map);
    });
  }

  /** Open alarms pulse at their camera (placed where the camera is, in view or not); a click opens the alarm. */
  setAlarms(alarms: { id: string; cameraId: string; title: string; lon: number; lat: number }[]): void {
    const byCamera = new Map<string, { id: string; title: string; n: number; lon: number; lat: number }>();
    for (const a of alarms) {
      const prev = byCamera.get(a.cameraId);
      byCamera.set(a.cameraId, prev ? { ...prev, n: prev.n + 1 } : { id: a.id, title: a.title, n: 1, lon: a.lon, lat: a.lat });
    }
    for (const [cameraId, marker] of this.alarmMarkers) {
      if (!byCamera.has(cameraId)) {
        marker.remove();
        this.alarmMarkers.delete(cameraId);
      }
    }
    for (const [cameraId, a] of byCamera) {
      const cam = { lon: a.lon, lat: a.lat };
      let marker = this.alarmMarkers.get(cameraId);
      if (!marker) {
        const el = document.createElement('button');
        el.type = 'button';
        el.className = 'map-alarm';
        el.dataset.testid = 'map-alarm';
        el.dataset.cameraId = cameraId;
        el.addEventListener('click', (ev) => {
          ev.stopPropagation();
          this.events.onAlarmClick(el.dataset.alarmId!, cameraId);
        });
        marker = new maplibregl.Marker({ element: el }).setLngLat([cam.lon, cam.lat]).addTo(this.map);
        this.alarmMarkers.set(cameraId, marker);
      }
      const el = marker.getElement();
      el.dataset.alarmId = a.id;
      el.title = a.title;
      el.setAttribute('aria-label', a.title);
      marker.setLngLat([cam.lon, cam.lat]);
    }
  }

  select(id: string | null): void {
    if (id === this.selected) return;
    this.selected = id;
    this.selectedCam = id ? this.cameras.find((c) => c.id === id) ?? null : null;
    if (!this.map.getSource('cameras')) return;
    this.drawCameras();
    this.drawCones();
    this.drawEditHandles();
  }

  /** Edit mode: the selected camera can be dragged, and a handle at its cone's tip turns and lengthens it. */
  setEditing(on: boolean): void {
    this.editing = on;
    this.drawEditHandles();
  }

  private drawEditHandles(): void {
    const cam = this.selectedCamera();
    if (this.editing && cam && this.editFor === cam.id && this.editMarkers.length === 2) {
      // Same camera: move the handles, do not replace them (a pointer may be about to grab one).
      this.editMarkers[0]!.setLngLat([cam.lon, cam.lat]);
      this.editMarkers[1]!.setLngLat(tipOf(cam.lon, cam.lat, cam.bearing, cam.range));
      return;
    }
    for (const m of this.editMarkers) m.remove();
    this.editMarkers = [];
    this.editFor = null;
    if (!this.editing || !cam) return;
    this.editFor = cam.id;
    const body = document.createElement('div');
    body.className = 'map-edit-camera';
    body.dataset.testid = 'edit-camera';
    const tipEl = document.createElement('div');
    tipEl.className = 'map-edit-tip';
    tipEl.dataset.testid = 'edit-tip';
    const camMarker = new maplibregl.Marker({ element: body, draggable: true }).setLngLat([cam.lon, cam.lat]).addTo(this.map);
    const tip = new maplibregl.Marker({ element: tipEl, draggable: true }).setLngLat(tipOf(cam.lon, cam.lat, cam.bearing, cam.range)).addTo(this.map);
    const preview = (lon: number, lat: number, bearing: number, range: number) => {
      Object.assign(cam, { lon, lat, bearing, range });
      this.drawCameras();
      this.drawCones();
    };
    for (const m of [camMarker, tip]) {
      m.on('dragstart', () => { this.dragging = true; });
      m.on('dragend', () => { this.dragging = false; });
    }
    camMarker.on('drag', () => {
      const p = camMarker.getLngLat();
      preview(p.lng, p.lat, cam.bearing, cam.range);
      tip.setLngLat(tipOf(p.lng, p.lat, cam.bearing, cam.range));
    });
    camMarker.on('dragend', () => this.events.onPlacementChange(cam.id, { lon: cam.lon, lat: cam.lat, bearing: cam.bearing, range: cam.range }));
    tip.on('drag', () => {
      const p = tip.getLngLat();
      const dx = (p.lng - cam.lon) * 111_195 * Math.cos((cam.lat * Math.PI) / 180);
      const dy = (p.lat - cam.lat) * 111_195;
      const bearing = ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
      const range = Math.max(5, Math.min(5000, Math.hypot(dx, dy)));
      preview(cam.lon, cam.lat, Math.round(bearing), Math.round(range));
    });
    tip.on('dragend', () => this.events.onPlacementChange(cam.id, { lon: cam.lon, lat: cam.lat, bearing: cam.bearing, range: cam.range }));
    this.editMarkers = [camMarker, tip];
  }

  showPoint(lon: number | null, lat: number | null): void {
    if (!this.map.getSource('point')) return;
    this.source('point').setData(lon === null || lat === null ? EMPTY : { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [lon, lat] } }] });
  }

  flyTo(lon: number, lat: number): void {
    this.map.easeTo({ center: [lon, lat], zoom: Math.max(this.map.getZoom(), 16) });
  }

  destroy(): void {
    this.map.remove();
  }
}
