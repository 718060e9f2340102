// The API's shapes as the web app uses them, derived from the same schemas that validate requests,
// shape responses and write the OpenAPI: the web imports these types (type-only, erased from the
// bundle), so a change on the server that the web does not follow fails the web's type check.
// Imports nothing but the schemas and TypeBox, so the web's compiler does not read server code.
import type { Static } from '@sinclair/typebox';
import type { CoverageSchema, ImportResultSchema, MapCameraSchema, OutageSchema, PlacementBody, SiteSchema, ViewSchema } from './map-schemas.ts';
import type {
  AlarmListSchema, AlarmSchema, CameraSchema, CameraStatusSchema, EventSchema, ExportFileSchema, ExportJobSchema,
  PaceSchema, SegmentSchema, StorageSchema, TimelineSchema, UserSchema,
  AuditEntrySchema, AuditVerifySchema, ManagedUserSchema, RoleSchema, ScopeRefSchema, ClusterNodesSchema, CameraImportReportSchema,
} from './schemas.ts';

export type User = Static<typeof UserSchema>;
export type Camera = Static<typeof CameraSchema>;
export type CameraStatus = Static<typeof CameraStatusSchema>;
export type CameraState = CameraStatus['state'];
export type RecordingSegment = Static<typeof SegmentSchema>;
export type Alarm = Static<typeof AlarmSchema>;
export type AlarmList = Static<typeof AlarmListSchema>;
export type AnalysisPace = Static<typeof PaceSchema>;
export type SystemEvent = Static<typeof EventSchema>;
export type Storage = Static<typeof StorageSchema>;
export type Timeline = Static<typeof TimelineSchema>;
export type TimeSpan = Timeline['spans'][number];
export type Gap = Timeline['gaps'][number];
export type ExportFile = Static<typeof ExportFileSchema>;
export type ExportJob = Static<typeof ExportJobSchema>;
// issue 12: the alarm queue, one alarm, its history, and what the live socket sends
export type { AlarmActivity, AlarmDetail, AlarmHistory, AlarmHistoryFilter, AlarmSocketMessage, ProtectRequest } from './alarm-schemas.ts';

// issue 13 (privacy)
import type { MaskListSchema, PurposesResponse, LiftSchema } from './privacy-schemas.ts';
export type MaskList = Static<typeof MaskListSchema>;
export type PurposeList = Static<typeof PurposesResponse>;
export type MaskLift = Static<typeof LiftSchema>;
export type { CameraPurposeView, CameraPurposeInput } from './privacy-schemas.ts';
// issue 13: the retention screen (retention of every kind, recordings per camera, the latest deletions) and its notices
export type { DataRetentionView, DataRetentionPolicyView, DeletionView, RecordingRetentionView, RetentionNoticeView } from './privacy-schemas.ts';
export type CameraImportReport = Static<typeof CameraImportReportSchema>;
// issue 10: users and the audit log
export type Role = Static<typeof RoleSchema>;
export type ScopeRef = Static<typeof ScopeRefSchema>;
export type ManagedUser = Static<typeof ManagedUserSchema>;
export type AuditEntryView = Static<typeof AuditEntrySchema>;
export type AuditVerifyView = Static<typeof AuditVerifySchema>;
export type ClusterNodes = Static<typeof ClusterNodesSchema>;
export type ClusterNode = ClusterNodes['nodes'][number];

// The security map.
export type MapCamera = Static<typeof MapCameraSchema>;
export type Site = Static<typeof SiteSchema>;
export type Outage = Static<typeof OutageSchema>;
export type Coverage = Static<typeof CoverageSchema>;
export type Placement = Static<typeof PlacementBody>;
export type ImportResult = Static<typeof ImportResultSchema>;

// issue 12 item 7 / issue 14 item 1: rules and calibration drawn on a still
// (a camera's analytics settings come from src/core/config-schema.ts: the web imports that type itself)
import type { PreviewReplySchema } from './drawing-schemas.ts';
import type { CalibrationBody, CalibrationReply } from './traffic-schemas.ts';
export type RulePreview = Static<typeof PreviewReplySchema>;
export type CalibrationRequest = Static<typeof CalibrationBody>;
export type CalibrationView = Static<typeof CalibrationReply>;
export type MapViewData = Static<typeof ViewSchema>;
export type MapCluster = MapViewData['clusters'][number];
/** GET /api/map/basemap: an imported basemap as it was checked, or the built-in one, or none. */
export type BasemapView = import('../map/index.ts').ImportedBasemapInfo | { kind: 'geojson' } | { kind: 'none' };

// issue 16: a camera's detector (settings in force, cost per analysed frame)
import type { DetectorViewSchema } from './analytics-schemas.ts';
export type DetectorView = Static<typeof DetectorViewSchema>;
// issue 12: saved video walls, bookmarks
export type { WallLayout, WallLayoutInput, WallSpec, Bookmark, BookmarkInput } from './wall-schemas.ts';
// issue 14: a traffic violation's evidence package
import type { EvidenceReplySchema, TrafficDashboardSchema } from './traffic-schemas.ts';
export type TrafficDashboard = Static<typeof TrafficDashboardSchema>;
export type Evidence = Static<typeof EvidenceReplySchema>;
export type ViolationRecord = Evidence['record'];
