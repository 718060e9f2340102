// How a Vigil event is named to the outside, in the spirit of ONVIF Profile M: each event kind has
// an ONVIF topic (tns1:… where ONVIF defines one, vigil:… where it does not), and the MQTT topic
// follows ONVIF Core's event broker layout, TopicPrefix/PayloadPrefix/LocalTopic&/Source…, so a
// subscriber can filter by topic and by camera. Pure.
import type { EventRow } from '../store/index.ts';

const ONVIF_TOPICS: Record<string, string> = {
  'camera.offline': 'tns1:VideoSource/SignalLoss',
  'camera.online': 'tns1:VideoSource/SignalLoss',
  'disk.full': 'tns1:Device/HardwareFailure/StorageFailure',
  'analytics.line_crossing': 'tns1:RuleEngine/LineDetector/Crossed',
  'analytics.zone_intrusion': 'tns1:RuleEngine/FieldDetector/ObjectsInside',
  'analytics.dwell': 'tns1:RuleEngine/LoiteringDetector/ObjectIsLoitering',
  'analytics.left_object': 'tns1:RuleEngine/LeftObjectDetector/ObjectLeft',
  'analytics.crowd': 'tns1:RuleEngine/CountAggregation/Counter',
  'analytics.tamper': 'tns1:VideoSource/GlobalSceneChange/AnalyticsService',
  // issue 15: a camera's own ONVIF events passed on (their exact device topic is in details.topic)
  'onvif.motion': 'tns1:VideoSource/MotionAlarm',
  'onvif.tamper': 'tns1:RuleEngine/TamperDetector/Tamper',
  'onvif.digital_input': 'tns1:Device/Trigger/DigitalInput',
  'onvif.relay': 'tns1:Device/Trigger/Relay',
};

/** The ONVIF-style topic of an event kind: tns1:… when ONVIF has one, else vigil:Kind/Parts. */
export function onvifTopic(kind: string): string {
  const known = ONVIF_TOPICS[kind];
  if (known) return known;
  const parts = kind.split(/[._]/).filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1));
  return `vigil:${parts.join('/') || 'Event'}`;
}

/** An MQTT topic level may not hold these: wildcards, the separator and NUL. */
function level(v: string): string {
  return v.replace(/[#+/\u0000]/g, '_');
}

/**
 * prefix/event/LocalTopic[&/camera[/rule]]: LocalTopic is the ONVIF topic without its namespace
 * prefix (MQTT has no namespaces), as ONVIF Core's event broker section asks.
 */
export function mqttTopic(prefix: string, e: EventRow): string {
  const local = onvifTopic(e.kind).replace(/^[a-z0-9]+:/i, '');
  const source: string[] = [];
  if (e.cameraId) {
    source.push(level(e.cameraId));
    const rule = e.details.rule;
    if (typeof rule === 'string' && rule) source.push(level(rule));
  }
  return `${prefix.replace(/\/+$/, '')}/event/${local}${source.length ? `&/${source.join('/')}` : ''}`;
}

/** The JSON form of an ONVIF notification message, with Vigil's own fields beside it. */
export function eventMessage(e: EventRow, node: string): Record<string, unknown> {
  const source: Record<string, string> = {};
  if (e.cameraId) source.VideoSource = e.cameraId;
  if (typeof e.details.rule === 'string') source.Rule = e.details.rule;
  const data: Record<string, unknown> = { ...e.details };
  // SignalLoss carries State: true while the signal is lost.
  if (e.kind === 'camera.offline' || e.kind === 'camera.online') data.State = e.kind === 'camera.offline';
  return {
    Topic: onvifTopic(e.kind),
    Message: { UtcTime: new Date(e.ts).toISOString(), PropertyOperation: 'Changed', Source: source, Data: data },
    Vigil: { id: e.id, kind: e.kind, severity: e.severity, camera: e.cameraId, node },
  };
}

/** Whether a configured kinds list takes this kind: empty takes all; "analytics." takes every analytics kind. */
export function kindSelected(kinds: readonly string[], kind: string): boolean {
  if (kinds.length === 0) return true;
  return kinds.some((k) => (k.endsWith('.') ? kind.startsWith(k) : kind === k));
}
