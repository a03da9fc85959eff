// The fleet view: facts from the record in, the overview with its alerts out (pure), and the
// Prometheus gauges computed from the same facts at scrape time.
export { clinicAlerts, kioskAlerts, span } from './alerts.js';
export type { ClinicFacts, FleetFacts, FleetSummaryFacts, KioskFacts, SummaryCutoffs } from './facts.js';
export { type FleetMetricsOptions, registerFleetMetrics } from './metrics.js';
export { fleetOverview } from './overview.js';
export { fleetSummary, summaryCutoffs } from './summary.js';
export { DEFAULT_FLEET_THRESHOLDS, type FleetThresholds, fleetThresholds } from './thresholds.js';
