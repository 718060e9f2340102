// Sites: the "important points" of a security map, each a polygon with a kind and a priority.
import type { LonLat } from './geo.ts';

export const SITE_KINDS = ['ministry', 'hospital', 'school', 'checkpoint', 'police', 'market', 'transport', 'embassy', 'other'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

export interface Site {
  id: string;
  name: string;
  kind: SiteKind;
  /** 1 (highest) to 5 (lowest). */
  priority: number;
  /** Outer ring, [lon, lat] pairs; closed or not. */
  polygon: LonLat[];
}

export function isSiteKind(v: string): v is SiteKind {
  return (SITE_KINDS as readonly string[]).includes(v);
}
