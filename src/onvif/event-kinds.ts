// What an ONVIF notification from a camera becomes in Vigil: an event of kind onvif.* on that
// camera, with the device's own topic and data kept in its details. Pure: no I/O.
import type { OnvifEventMessage } from './onvif-client.ts';

export interface VigilEventFromOnvif {
  kind: string;
  severity: 'info' | 'warning';
  details: {
    topic: string;
    /** The alarm's state (motion seen, tamper, input closed), when the message says: true starts, false ends. */
    active: boolean | null;
    /** When the camera says it happened (its own clock). */
    deviceTime: string;
    source: Record<string, string>;
    data: Record<string, string>;
  };
}

/**
 * Topic (without its namespace prefix) → Vigil kind, and the data item holding the state. ONVIF
 * Profile S/T names: motion from the video source or the cell motion detector, tamper (the
 * tamper detector, or a scene change, blur, too dark or too bright image), digital inputs and relays.
 */
const TOPICS: [RegExp, string, 'info' | 'warning'][] = [
  [/^VideoSource\/MotionAlarm$/i, 'onvif.motion', 'info'],
  [/^RuleEngine\/CellMotionDetector\/Motion$/i, 'onvif.motion', 'info'],
  [/^RuleEngine\/MotionRegionDetector\/Motion$/i, 'onvif.motion', 'info'],
  [/^RuleEngine\/TamperDetector\/Tamper$/i, 'onvif.tamper', 'warning'],
  [/^VideoSource\/GlobalSceneChange(\/.*)?$/i, 'onvif.tamper', 'warning'],
  [/^VideoSource\/ImageTooBlurry(\/.*)?$/i, 'onvif.tamper', 'warning'],
  [/^VideoSource\/ImageTooDark(\/.*)?$/i, 'onvif.tamper', 'warning'],
  [/^VideoSource\/ImageTooBright(\/.*)?$/i, 'onvif.tamper', 'warning'],
  [/^Device\/Trigger\/DigitalInput$/i, 'onvif.digital_input', 'info'],
  [/^Device\/IO\/DigitalInput$/i, 'onvif.digital_input', 'info'],
  [/^Device\/Trigger\/Relay$/i, 'onvif.relay', 'info'],
];
/** The data items that carry a state, by the names devices use. */
const STATE_ITEMS = ['State', 'IsMotion', 'IsTamper', 'LogicalState', 'Active'];

function parseState(v: string | undefined): boolean | null {
  if (v === undefined) return null;
  const s = v.trim().toLowerCase();
  if (s === 'true' || s === '1' || s === 'active' || s === 'closed') return true;
  if (s === 'false' || s === '0' || s === 'inactive' || s === 'open') return false;
  return null;
}

export function vigilEventOf(m: OnvifEventMessage): VigilEventFromOnvif {
  const local = m.topic.trim().replace(/^[A-Za-z0-9_-]+:/, '');
  const hit = TOPICS.find(([re]) => re.test(local));
  const stateKey = STATE_ITEMS.find((k) => k in m.data);
  const active = parseState(stateKey === undefined ? undefined : m.data[stateKey]);
  return {
    kind: hit?.[1] ?? 'onvif.other',
    // A tamper alarm ending is news, not a warning.
    severity: hit?.[2] === 'warning' && active !== false ? 'warning' : 'info',
    details: { topic: m.topic.slice(0, 256), active, deviceTime: m.utcTime.slice(0, 64), source: capped(m.source), data: capped(m.data) },
  };
}

/** A device's items as given, bounded (a hostile device could send thousands). */
function capped(items: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(items).slice(0, 32).map(([k, v]) => [k.slice(0, 64), v.slice(0, 256)]));
}
