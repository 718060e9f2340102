import { useSyncExternalStore, type MouseEvent } from 'react';

// A few screens do not need a routing library: a path parser and pushState.

/** The map is the control room's home (/); the camera grid is at /cameras, the video wall at /wall. */
export type Route = { name: 'map' } | { name: 'grid' } | { name: 'camera'; id: string } | { name: 'nodes' } | { name: 'users' } | { name: 'audit' } | { name: 'alarm'; id: string } | { name: 'alarmHistory' } | { name: 'wall' } | { name: 'investigate' }
  // issue 14: a traffic violation's evidence package
  | { name: 'evidence'; id: string } | { name: 'traffic'; id: string }
  // issue 12 item 7 / issue 14 item 1: drawing on a camera's still
  | { name: 'rules'; id: string } | { name: 'calibration'; id: string }
  // issue 15: bulk camera import
  | { name: 'import' }
  // issue 13: exports and four-eyes approval; a camera's purpose
  | { name: 'exports' } | { name: 'purpose'; id: string }
  // issue 13: how long each kind of data is kept
  | { name: 'retention' };

export const GRID_PATH = '/cameras';

export function parseRoute(pathname: string): Route {
  const purpose = /^\/cameras\/([^/]+)\/purpose\/?$/.exec(pathname);
  if (purpose) return { name: 'purpose', id: decodeURIComponent(purpose[1]) };
  if (/^\/exports\/?$/.test(pathname)) return { name: 'exports' };
  if (/^\/retention\/?$/.test(pathname)) return { name: 'retention' };
  const drawing = /^\/cameras\/([^/]+)\/(rules|calibration)\/?$/.exec(pathname);
  if (drawing) return { name: drawing[2] as 'rules' | 'calibration', id: decodeURIComponent(drawing[1]) };
  const match = /^\/cameras\/([^/]+)\/?$/.exec(pathname);
  if (match) return { name: 'camera', id: decodeURIComponent(match[1]) };
  if (/^\/users\/?$/.test(pathname)) return { name: 'users' };
  if (/^\/audit\/?$/.test(pathname)) return { name: 'audit' };
  if (/^\/cameras\/?$/.test(pathname)) return { name: 'grid' };
  if (/^\/nodes\/?$/.test(pathname)) return { name: 'nodes' };
  if (/^\/import\/?$/.test(pathname)) return { name: 'import' };
  if (/^\/alarm-history\/?$/.test(pathname)) return { name: 'alarmHistory' };
  if (/^\/wall\/?$/.test(pathname)) return { name: 'wall' };
  if (/^\/investigate\/?$/.test(pathname)) return { name: 'investigate' };
  const violation = /^\/violations\/([^/]+)\/?$/.exec(pathname);
  if (violation) return { name: 'evidence', id: decodeURIComponent(violation[1]) };
  const traffic = /^\/traffic\/([^/]+)\/?$/.exec(pathname);
  if (traffic) return { name: 'traffic', id: decodeURIComponent(traffic[1]) };
  const alarm = /^\/alarms\/([^/]+)\/?$/.exec(pathname);
  if (alarm) return { name: 'alarm', id: decodeURIComponent(alarm[1]) };
  return { name: 'map' };
}

export function cameraPath(id: string): string {
  return `/cameras/${encodeURIComponent(id)}`;
}

export function rulesPath(id: string): string {
  return `${cameraPath(id)}/rules`;
}

export function calibrationPath(id: string): string {
  return `${cameraPath(id)}/calibration`;
}

export function purposePath(id: string): string {
  return `${cameraPath(id)}/purpose`;
}

const listeners = new Set<() => void>();

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function useRoute(): Route {
  const pathname = useSyncExternalStore(subscribe, () => location.pathname);
  return parseRoute(pathname);
}

/** For <a href> links: keep ctrl/middle-click opening a new tab, handle plain clicks in-app. */
export function onLinkClick(event: MouseEvent<HTMLAnchorElement>, path: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}
