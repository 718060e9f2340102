// A fictional district for the demo: a grid of named streets (Latin and Arabic-script names), camera
// positions along them with their cones, sites of several kinds in the blocks, a basemap as GeoJSON,
// and the power feeders that group cameras for the simulated power cuts. Pure and deterministic.
import { fromLocal, type LonLat } from './geo.ts';
import type { CameraPlacement } from './placement.ts';
import type { Site, SiteKind } from './sites.ts';

/** South-west corner of the district: a made-up place on the outskirts of Kabul's longitude and latitude. */
export const DEMO_ORIGIN: LonLat = [69.1505, 34.5105];

interface Street {
  name: string;
  /** The name in Dari/Pashto script, for the bilingual labels. */
  local: string;
  from: [number, number];
  to: [number, number];
}

// Local metres (x east, y north) from DEMO_ORIGIN. 1,200 m × 900 m.
const STREETS: Street[] = [
  { name: 'Saffron Road', local: 'سرک زعفران', from: [0, 0], to: [1200, 0] },
  { name: 'Pomegranate Street', local: 'کوچه انار', from: [0, 300], to: [1200, 300] },
  { name: 'Cedar Avenue', local: 'جاده سرو', from: [0, 600], to: [1200, 600] },
  { name: 'River Road', local: 'سرک دریا', from: [0, 900], to: [1200, 900] },
  { name: 'Lapis Street', local: 'کوچه لاجورد', from: [0, 0], to: [0, 900] },
  { name: 'Mulberry Lane', local: 'کوچه توت', from: [400, 0], to: [400, 900] },
  { name: 'Apricot Street', local: 'کوچه زردآلو', from: [800, 0], to: [800, 900] },
  { name: 'Garden Road', local: 'سرک باغ', from: [1200, 0], to: [1200, 900] },
];

interface SitePlan {
  id: string;
  name: string;
  kind: SiteKind;
  priority: number;
  /** x0, y0, x1, y1 in local metres */
  rect: [number, number, number, number];
}

const SITES: SitePlan[] = [
  { id: 'site-ministry', name: 'Ministry of Water', kind: 'ministry', priority: 1, rect: [440, 330, 760, 560] },
  { id: 'site-hospital', name: 'District Hospital', kind: 'hospital', priority: 1, rect: [40, 30, 240, 200] },
  { id: 'site-school-north', name: 'Girls’ School North', kind: 'school', priority: 2, rect: [840, 640, 1010, 760] },
  { id: 'site-school-east', name: 'Boys’ School East', kind: 'school', priority: 2, rect: [960, 360, 1160, 480] },
  { id: 'site-police', name: 'Police Station 9', kind: 'police', priority: 1, rect: [440, 640, 600, 760] },
  { id: 'site-checkpoint', name: 'Garden Road Checkpoint', kind: 'checkpoint', priority: 1, rect: [1180, 580, 1220, 620] },
  { id: 'site-market', name: 'Old Bazaar', kind: 'market', priority: 3, rect: [40, 330, 360, 560] },
  { id: 'site-bus', name: 'Bus Station', kind: 'transport', priority: 2, rect: [840, 30, 1160, 180] },
  { id: 'site-embassy', name: 'Embassy Row', kind: 'embassy', priority: 1, rect: [40, 640, 300, 860] },
];

export interface DemoCamera extends CameraPlacement {
  name: string;
  /** Index of the power feeder that supplies it. */
  feeder: number;
}

export interface DemoCity {
  cameras: DemoCamera[];
  sites: Site[];
  basemap: { type: 'FeatureCollection'; features: unknown[] };
  /** Camera ids per power feeder: one street's stretch each. */
  feeders: string[][];
  center: LonLat;
}

const at = (x: number, y: number): LonLat => fromLocal(DEMO_ORIGIN, x, y);
const rectRing = ([x0, y0, x1, y1]: [number, number, number, number]): LonLat[] => [at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)];

/**
 * `count` cameras spread along the streets (every street gets its share, evenly spaced, looking
 * along the street, alternately each way; every fifth a PTZ at a corner). Camera ids are cam1..camN,
 * names say the street and a two-digit number.
 */
export function demoCity(count: number, label: (index: number) => string = () => ''): DemoCity {
  const cameras: DemoCamera[] = [];
  const feeders: string[][] = [];
  const perStreet = Math.ceil(count / STREETS.length);
  let index = 0;
  for (let s = 0; s < STREETS.length && index < count; s++) {
    const st = STREETS[s]!;
    const dx = st.to[0] - st.from[0];
    const dy = st.to[1] - st.from[1];
    const length = Math.hypot(dx, dy);
    const along = (Math.atan2(dx, dy) * 180) / Math.PI; // bearing from `from` to `to`
    const n = Math.min(perStreet, count - index);
    // Two feeders per street (its two halves), so a cut takes out a stretch, not the district.
    const feederA = feeders.push([]) - 1;
    const feederB = feeders.push([]) - 1;
    for (let k = 0; k < n; k++) {
      const t = (k + 0.5) / n;
      const side = k % 2 === 0 ? 8 : -8; // on either pavement
      const nx = (-dy / length) * side;
      const ny = (dx / length) * side;
      const [lon, lat] = at(st.from[0] + dx * t + nx, st.from[1] + dy * t + ny);
      const ptz = k % 5 === 2;
      const bearing = ((k % 2 === 0 ? along : along + 180) + 360) % 360;
      const id = `cam${index + 1}`;
      const feeder = t < 0.5 ? feederA : feederB;
      feeders[feeder]!.push(id);
      cameras.push({
        cameraId: id,
        name: `${st.name} ${String(k + 1).padStart(2, '0')}${label(index)}`,
        lon, lat,
        bearing: ptz ? (bearing + 45) % 360 : bearing,
        angle: ptz ? 60 : 70 + (k % 3) * 10,
        range: ptz ? 120 : 70 + (k % 4) * 10,
        ptz,
        siteId: null,
        feeder,
      });
      index++;
    }
  }
  const sites: Site[] = SITES.map((p) => ({ id: p.id, name: p.name, kind: p.kind, priority: p.priority, polygon: rectRing(p.rect) }));
  const features: unknown[] = [];
  // Blocks between the streets, then the streets over them, then labels.
  const xs = [0, 400, 800, 1200];
  const ys = [0, 300, 600, 900];
  for (let i = 0; i < xs.length - 1; i++) {
    for (let j = 0; j < ys.length - 1; j++) {
      features.push({ type: 'Feature', properties: { class: 'block' }, geometry: { type: 'Polygon', coordinates: [rectRing([xs[i]! + 12, ys[j]! + 12, xs[i + 1]! - 12, ys[j + 1]! - 12])] } });
    }
  }
  features.push({ type: 'Feature', properties: { class: 'water', name: 'Kabul River (fictional bend)' }, geometry: { type: 'Polygon', coordinates: [[at(-200, 960), at(1400, 960), at(1400, 1040), at(-200, 1010), at(-200, 960)]] } });
  for (const st of STREETS) {
    // Mid-way between two crossings, so no two labels meet.
    const mid: LonLat = at((st.from[0] + st.to[0]) / 2, (st.from[1] + st.to[1]) / 2);
    features.push({ type: 'Feature', properties: { class: 'street', name: st.name, name_local: st.local }, geometry: { type: 'LineString', coordinates: [at(...st.from), at(...st.to)] } });
    features.push({ type: 'Feature', properties: { class: 'label', name: st.name, name_local: st.local, rotate: st.from[0] === st.to[0] ? -90 : 0 }, geometry: { type: 'Point', coordinates: mid } });
  }
  return { cameras, sites, basemap: { type: 'FeatureCollection', features }, feeders: feeders.filter((f) => f.length > 0), center: at(600, 450) };
}

/** The camera that shows real pedestrians sits at the hospital's entrance, looking at its forecourt. */
export function placeAtHospitalEntrance(camera: DemoCamera): DemoCamera {
  const [lon, lat] = at(140, 16);
  return { ...camera, lon, lat, bearing: 0, angle: 80, range: 90, ptz: false, siteId: 'site-hospital' };
}
