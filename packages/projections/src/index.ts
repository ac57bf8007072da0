export { foldEvents } from './fold.js';
export type { MessageChange, ProjectionBatch } from './fold.js';
export {
  broadcastDeltas,
  minuteOf,
  providerHealthRows,
  timelineRow,
  usageDeltas,
  usageOf,
  utcDay,
} from './contributions.js';
export { PROJECTIONS, PROJECTION_NAMES, applyProjections, projectionNamed } from './read-models.js';
export type { Projection, ProjectionName } from './read-models.js';
export { holdProjectionLock, shareProjectionLock } from './lock.js';
export { replay, ReplayError } from './replay/replay.js';
export type { KafkaReplaySource, ReplayOptions, ReplayResult } from './replay/replay.js';
export { progressLine, rateOf } from './replay/progress.js';
export type { ReplayProgress } from './replay/progress.js';
export { dropShadow, readShadowState, shadowSchema } from './replay/shadow.js';
export type { ReplaySource, ShadowState } from './replay/shadow.js';
