export { VigilError, ConfigError } from './errors.ts';
export { ConfigSchema, AnalyticsConfig, AlarmPolicyConfig, TrafficConfig, type Config, type CameraConfig } from './config-schema.ts';
export { loadConfig, validateConfig, parseConfigText, resolvePaths } from './config.ts';
export { renderConfigDoc } from './config-doc.ts';
export { newId } from './ids.ts';
export { MAX_TIME_MS, clampTimeMs } from './time.ts';
export { SerialJob, type SerialJobOptions } from './serial-job.ts';
