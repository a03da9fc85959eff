// How this kiosk is: the MQTT status, the local API's view, the metrics and the decode-error tally.
export { type DecodeErrorCount, DecodeErrorTally } from './decode-error-tally.js';
export { gauge, type Metric, renderMetrics } from './metrics.js';
export { type BrokerView, type LocalStatus, StatusBoard, type StatusSources } from './status-board.js';
