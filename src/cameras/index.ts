// The cameras part: the camera registry (create, update, delete; credentials split from URLs and
// sealed; audited), and seeding the registry from the config file.
export { CameraService, type CameraInput, type FleetControl, type Actor } from './camera-service.ts';
export { splitCameraUrl, fillCameraUrl, redactCameraUrl, USER_PARAMS, PASSWORD_PARAMS, type SplitUrl } from './camera-url.ts';
export { seedCamerasFromConfig } from './seed.ts';
export { importCameras, parseCameraCsv, parseCameraGeoJson, checkCameraRow, type CameraImportReport, type CameraImportRow } from './bulk-import.ts';
