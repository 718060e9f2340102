// The cluster part: node registry and camera leases on NATS JetStream KV, fencing in the store,
// and the read-only view the api serves from.
export { ClusterError } from './errors.ts';
export { planAssignment, score, type Plan, type PlanInput, type LeaseView, type LiveNode } from './assignment.ts';
export { ClusterNode, NODE_ID_PATTERN, type ClusterNodeOptions, type NodeInfo, type LeaseValue } from './cluster-node.ts';
export { ClusterView, type NodeSummary } from './cluster-view.ts';
export { connectNats, openBuckets, safeNatsUrl, isCasConflict, NODES_BUCKET, LEASES_BUCKET } from './nats-link.ts';
export { recoveryView, retentionView, fencedIndexView } from './node-segments.ts';
export { ClusterMember, type ClusterApi, type ClusterMemberOptions, type ClusterRole, type ClusterSettings, type Recorders } from './member.ts';
export { EventOutbox, EventIngest, ensureEventStream, EVENTS_STREAM, DEDUPE_WINDOW_MS, type OutboxEntry } from './outbox.ts';
export { retryUntilOpen } from './retry.ts';
export { AuditCopies, ensureAuditCopiesStream, copyFileOf, AUDIT_COPIES_STREAM, type AuditCopiesOptions, type RelayedCheckpoint } from './audit-copies.ts';
export { signSegmentToken, segmentTokenRefusal, SEGMENT_TOKEN_HEADER, SEGMENT_TOKEN_TTL_MS } from './segment-token.ts';
export { HealthReporter, healthRow, HEALTH_INTERVAL_MS, type HealthReporterOptions } from './health-reporter.ts';
export { HealthBoard, statusFromHealth, type HealthBoardOptions } from './health-board.ts';
