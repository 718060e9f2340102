// Shapes of the Vigil HTTP API, taken from the server's own schemas (src/api/contract.ts): a type
// import only, erased from the bundle.
export type {
  User, Camera, CameraStatus, CameraState, RecordingSegment, Alarm, AlarmList, AnalysisPace, SystemEvent, Storage,
  Timeline, TimeSpan, Gap, ExportFile, ExportJob, ClusterNodes, ClusterNode,
  AlarmActivity, AlarmDetail, AlarmHistory, AlarmHistoryFilter, AlarmSocketMessage, ProtectRequest,
} from '../../../src/api/contract.ts';
