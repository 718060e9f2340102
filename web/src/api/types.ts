// Shapes of the Vigil HTTP API, taken from the server's own schemas (src/api/contract.ts): a type
// import only, erased from the bundle.
export type {
  User, Camera, CameraStatus, CameraState, RecordingSegment, Alarm, AlarmList, AnalysisPace, SystemEvent, Storage,
  Timeline, TimeSpan, Gap, ExportFile, ExportJob,
  Role, ScopeRef, ManagedUser, AuditEntryView, AuditVerifyView, ClusterNodes, ClusterNode, CameraImportReport,
  MaskList, MaskLift, PurposeList, CameraPurposeView, CameraPurposeInput,
  DataRetentionView, DataRetentionPolicyView, DeletionView, RecordingRetentionView, RetentionNoticeView,
  AlarmActivity, AlarmDetail, AlarmHistory, AlarmHistoryFilter, AlarmSocketMessage, ProtectRequest,
  RulePreview, CalibrationRequest, CalibrationView,
  MapCamera, Site, Outage, Coverage, Placement, ImportResult, MapViewData, MapCluster, BasemapView,
  DetectorView,
  WallLayout, WallLayoutInput, WallSpec, Bookmark, BookmarkInput,
  Evidence, ViolationRecord, TrafficDashboard,
} from '../../../src/api/contract.ts';
// A camera's analytics settings: the one schema in src/core (it imports nothing but TypeBox).
export type { AnalyticsConfig as AnalyticsSettings } from '../../../src/core/config-schema.ts';
