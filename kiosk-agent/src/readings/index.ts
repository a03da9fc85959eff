// From a decoded measurement to a reading kept in the outbox: the pipeline and its parts.
export { buildReading, type ReadingContext, type ReadingResult } from './build-reading.js';
export { dedupeKey } from './dedupe.js';
export { type LiveReading, liveFromDialogue, liveFromMeasurement } from './live.js';
export { MANUAL, ManualReadingError, type RejectionDetails, rejectionDetails } from './manual.js';
export {
  type DeviceReadings,
  type KeptReading,
  type PipelineDevice,
  type PipelineKiosk,
  ReadingPipeline,
  type ReadingPipelineEvents,
  type ReadingPipelineOptions,
  type RefusedMeasurement,
} from './reading-pipeline.js';
export { type RecentReading, recentReadings } from './recent.js';
export { SpotCheckDetector, type SpotCheckOptions } from './spot-check.js';
export { WeighingDetector, type WeighingOptions } from './weighing.js';
