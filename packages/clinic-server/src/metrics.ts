import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of one server. A registry per server (not prom-client's global one), so two
 * servers in one process — as in tests — do not share counters.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly ingestMessages = new Counter({
    name: 'kd_ingest_messages_total',
    help: 'Reading messages received over MQTT, by outcome (stored, duplicate, or the rejection code).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly kioskReports = new Counter({
    name: 'kd_ingest_kiosk_reports_total',
    help: 'Kiosk statuses and events received over MQTT, by kind and outcome (kept, stored, duplicate, ignored, or the refusal code).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly ingestBatchSize = new Histogram({
    name: 'kd_ingest_batch_size',
    help: 'Readings committed per transaction.',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2000, 5000],
    registers: [this.registry],
  });
  readonly ingestCommitSeconds = new Histogram({
    name: 'kd_ingest_commit_seconds',
    help: 'Time to validate, commit and answer one batch.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly ingestQueue = new Gauge({
    name: 'kd_ingest_queue_depth',
    help: 'Messages received and not yet committed.',
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'kd_http_requests_total',
    help: 'Clinic API requests, by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpSeconds = new Histogram({
    name: 'kd_http_request_duration_seconds',
    help: 'Clinic API request duration, by route.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly forwarderAttempts = new Counter({
    name: 'kd_forwarder_attempts_total',
    help: 'SATUSEHAT sends, by outcome (sent, retry, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly forwarderPatientLookups = new Counter({
    name: 'kd_forwarder_patient_lookups_total',
    help: 'IHS numbers looked up in SATUSEHAT by NIK, by outcome (found, not-found, ambiguous).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly forwarderPractitionerLookups = new Counter({
    name: 'kd_forwarder_practitioner_lookups_total',
    help: "Health workers' IHS numbers looked up in SATUSEHAT by NIK, by outcome (found, not-found, ambiguous).",
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'kd_' });
  }
}
