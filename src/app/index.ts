// The app part: the composition root that wires the parts into a running Vigil.
export { startVigil, openConfiguredStore, VERSION, type RunningVigil, type StartOptions } from './vigil.ts';
export { createLogger } from './logger.ts';
