// Every action the audit log records. A typed union, so a misspelt action cannot be written and an
// auditor's filter can list them all.
export const AUDIT_ACTIONS = [
  'login.success', 'login.failure', 'login.throttled', 'logout',
  'user.create', 'user.password_set',
  'camera.create', 'camera.update', 'camera.delete', 'analytics.update',
  'live.start', 'live.stop',
  'recording.list', 'recording.play', 'recording.delete',
  'snapshot.view', 'alarm.ack',
  'evidence.lock', 'evidence.unlock',
  'export.create', 'export.done', 'export.failed', 'export.download',
  // issue 13 (privacy)
  'mask.create', 'mask.delete', 'mask.lift', 'mask.lift_end', 'purpose.create', 'purpose.update', 'privacy.policy',
  'export.approve', 'export.refuse', 'export.redaction_lift', 'camera.purpose',
  // issue 10: access and audit
  'user.update', 'user.delete', 'session.end_all', 'camera.scopes',
  'access.denied', 'audit.read', 'audit.verify', 'audit.extract',
  // issue 11: the security map
  'map.place', 'map.unplace', 'map.site.put', 'map.site.delete', 'map.import', 'map.basemap.import',
  // issue 14: traffic
  'camera.calibrate', 'camera.uncalibrate', 'evidence.view',
  // issue 12 (operator workflow): every change of an alarm, and the history export
  'alarm.take', 'alarm.release', 'alarm.hold', 'alarm.resolve', 'alarm.reopen', 'alarm.priority', 'alarm.step',
  'alarm.comment', 'alarm.snooze', 'alarm.escalate', 'alarm.auto_close', 'alarm.export',
  // issue 12: saved video walls and bookmarks of an investigation
  'wall.create', 'wall.update', 'wall.delete', 'bookmark.create', 'bookmark.delete',
  // issue 13 (privacy): retention of everything else (each a summary per batch, see docs/privacy.md)
  'event.delete', 'snapshot.delete', 'export.delete', 'count.delete', 'audit.prune', 'retention.policy',
  // issue 15: who steered which camera, and who sent a webhook's dead letter again
  'camera.ptz', 'webhook.redeliver',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
