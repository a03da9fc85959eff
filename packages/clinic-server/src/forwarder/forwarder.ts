import { isScreeningError, toSatusehatBundle } from '@klinik-desa/screening';
import type { Logger } from 'pino';
import { ClinicError, notFound } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { FhirSource, ForwardingClaim, ForwardingStore } from '../store/store.js';
import { identifierOf, screeningForFhir, withoutExisting } from './bundle.js';
import { backoffMs, type ForwarderConfig, resolveEndpoints } from './config.js';
import { IhsResolver, type IhsResolverStore, PATIENT, PRACTITIONER } from './ihs-resolver.js';
import { redactSatusehatAnswer } from './redact.js';
import { SatusehatClient, SatusehatHttpError } from './satusehat-client.js';

export type { ForwarderConfig } from './config.js';

export { FORWARDER_ACTOR } from './ihs-resolver.js';

/** What the forwarder asks of the record: its queue, what a Bundle is made of, and the resolver's needs. */
export type ForwarderStore = Pick<ForwardingStore, 'claimForwarding' | 'recordForwarding' | 'fhirSource'> &
  IhsResolverStore;

type Bundle = ReturnType<typeof toSatusehatBundle>;

/**
 * Sends finished screenings to SATUSEHAT, away from ingest: it works from the record's queue
 * (screenings with forwarding `pending`), leases each so that one process sends it, and records
 * every outcome. A resend never makes a second copy: each resource carries a stable business
 * identifier and a conditional create, and before a resend the server is asked what it already has.
 */
export class Forwarder {
  private readonly client: SatusehatClient;
  private readonly ihs: IhsResolver;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly options: {
      store: ForwarderStore;
      log: Logger;
      metrics?: Metrics;
      config: ForwarderConfig;
      fetch?: typeof fetch;
      random?: () => number;
    },
  ) {
    const c = options.config;
    this.client = new SatusehatClient(
      resolveEndpoints(c),
      { clientId: c.clientId, clientSecret: c.clientSecret },
      c.requestTimeoutMs ?? 30_000,
      options.fetch ?? fetch,
    );
    this.ihs = new IhsResolver({
      client: this.client,
      store: options.store,
      log: options.log,
      metrics: options.metrics,
    });
  }

  start(): void {
    const poll = this.options.config.pollMs ?? 2000;
    this.timer = setInterval(() => this.kick(), poll);
    this.timer.unref();
    this.kick();
  }

  /** Looks for due screenings now (a screening was just finished). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runOnce()
      .catch((error: unknown) =>
        this.options.log.error({ err: error }, 'the SATUSEHAT forwarder failed a round'),
      )
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Waits for the round in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.idle();
  }

  /** The Bundle of a screening as it would be sent now. */
  async bundleFor(screeningId: string): Promise<Bundle> {
    return this.toBundle(await this.sourceOf(screeningId));
  }

  private async sourceOf(screeningId: string): Promise<FhirSource> {
    const source = await this.options.store.fhirSource(screeningId);
    if (!source) throw notFound('screening', screeningId);
    return source;
  }

  private toBundle(source: FhirSource): Bundle {
    try {
      return toSatusehatBundle(screeningForFhir(source, this.options.config));
    } catch (error) {
      if (isScreeningError(error)) throw new ClinicError('FHIR_NOT_READY', error.message);
      throw error;
    }
  }

  private async runOnce(): Promise<void> {
    const { store } = this.options;
    const leaseMs = (this.options.config.requestTimeoutMs ?? 30_000) * 4;
    for (;;) {
      const now = Date.now();
      const claims = await store.claimForwarding(
        new Date(now).toISOString(),
        new Date(now + leaseMs).toISOString(),
        10,
      );
      if (claims.length === 0) return;
      for (const claim of claims) await this.sendOne(claim);
      if (this.stopped) return;
    }
  }

  private async sendOne(claim: ForwardingClaim): Promise<void> {
    const { log, metrics, config } = this.options;
    try {
      const source = await this.withIhsNumber(await this.sourceOf(claim.screeningId));
      const bundle = this.toBundle(await this.withPractitionerIhsNumber(source));
      let toSend = bundle;
      if (claim.attempts > 0 && (config.checkBeforeResend ?? true)) toSend = await this.withoutStored(bundle);
      const answer = toSend.entry.length === 0 ? { status: 200 } : await this.client.fhir('POST', '', toSend);
      await this.options.store.recordForwarding(
        claim.screeningId,
        { outcome: 'sent', httpStatus: answer.status },
        new Date().toISOString(),
      );
      metrics?.forwarderAttempts.inc({ outcome: 'sent' });
      log.info(
        { screeningId: claim.screeningId, entries: toSend.entry.length, attempt: claim.attempts + 1 },
        'sent a screening to SATUSEHAT',
      );
    } catch (error) {
      if (error instanceof ClinicError) return this.notSendable(claim, error);
      if (error instanceof SatusehatHttpError) return this.failedTry(claim, error);
      throw error;
    }
  }

  /** Not sendable as it stands (no IHS number, a mapping error): trying again will not help. */
  private async notSendable(claim: ForwardingClaim, error: ClinicError): Promise<void> {
    await this.options.store.recordForwarding(
      claim.screeningId,
      { outcome: 'failed', httpStatus: null, detail: { code: error.code, message: error.message } },
      new Date().toISOString(),
    );
    this.options.metrics?.forwarderAttempts.inc({ outcome: 'failed' });
    this.options.log.warn(
      { screeningId: claim.screeningId, code: error.code },
      `cannot send a screening: ${error.message}`,
    );
  }

  private async failedTry(claim: ForwardingClaim, error: SatusehatHttpError): Promise<void> {
    const { store, log, metrics, config } = this.options;
    const at = new Date().toISOString();
    const attempt = claim.attempts + 1;
    const maxAttempts = config.maxAttempts ?? 8;
    if (!error.retryable || attempt >= maxAttempts) {
      await store.recordForwarding(
        claim.screeningId,
        {
          outcome: 'failed',
          httpStatus: error.status,
          detail: redactSatusehatAnswer(error.body ?? error.message),
        },
        at,
      );
      metrics?.forwarderAttempts.inc({ outcome: 'failed' });
      log.warn(
        { screeningId: claim.screeningId, status: error.status, attempt },
        `SATUSEHAT did not take a screening, giving up: ${error.message}`,
      );
      return;
    }
    const wait = Math.max(
      backoffMs(
        attempt - 1,
        config.baseBackoffMs ?? 2000,
        config.maxBackoffMs ?? 600_000,
        (this.options.random ?? Math.random)(),
      ),
      error.retryAfterMs ?? 0,
    );
    await store.recordForwarding(
      claim.screeningId,
      {
        outcome: 'retry',
        httpStatus: error.status,
        detail: redactSatusehatAnswer(error.body ?? error.message),
        nextAttemptAt: new Date(Date.now() + wait).toISOString(),
      },
      at,
    );
    metrics?.forwarderAttempts.inc({ outcome: 'retry' });
    log.warn(
      { screeningId: claim.screeningId, status: error.status, attempt, retryInMs: wait },
      `sending a screening to SATUSEHAT failed, will retry: ${error.message}`,
    );
  }

  /** The patient's IHS number, found by their NIK when the record has none (`IhsResolver`). */
  private async withIhsNumber(source: FhirSource): Promise<FhirSource> {
    const { patient, screening } = source;
    if (patient.ihsNumber || !patient.nik || this.options.config.lookUpIhsNumbers === false) return source;
    const ihsNumber = await this.ihs.resolve(
      PATIENT,
      { id: patient.id, nik: patient.nik, clinicId: screening.clinicId, patientId: patient.id },
      screening.id,
    );
    return ihsNumber ? { ...source, patient: { ...patient, ihsNumber } } : this.sourceOf(screening.id);
  }

  /**
   * The same for the registered health worker a screening names. The server's default
   * practitioner is not sent instead when they are not found: the Encounter would name the wrong
   * person.
   */
  private async withPractitionerIhsNumber(source: FhirSource): Promise<FhirSource> {
    const { practitioner, screening } = source;
    if (
      screening.practitioner ||
      !practitioner ||
      practitioner.ihsNumber ||
      !practitioner.nik ||
      this.options.config.lookUpIhsNumbers === false
    ) {
      return source;
    }
    const ihsNumber = await this.ihs.resolve(
      PRACTITIONER,
      { id: practitioner.id, nik: practitioner.nik, clinicId: practitioner.clinicId, patientId: null },
      screening.id,
    );
    return ihsNumber
      ? { ...source, practitioner: { ...practitioner, ihsNumber } }
      : this.sourceOf(screening.id);
  }

  /**
   * After a try whose outcome we do not know (a timeout may come after the server stored it), asks
   * for each resource by its business identifier and leaves out what is there already.
   */
  private async withoutStored(bundle: Bundle): Promise<Bundle> {
    const existing = new Map<string, string>();
    for (const entry of bundle.entry) {
      const id = identifierOf(entry);
      if (!id) continue;
      const found = await this.client.findByIdentifier(entry.resource.resourceType, id.system, id.value);
      if (found) existing.set(entry.fullUrl, `${entry.resource.resourceType}/${found}`);
    }
    return existing.size === 0 ? bundle : withoutExisting(bundle, existing);
  }
}
