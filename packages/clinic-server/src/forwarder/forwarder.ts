import { IhsNumber } from '@klinik-desa/protocol';
import { isScreeningError, NIK_SYSTEM, toSatusehatBundle } from '@klinik-desa/screening';
import type { Logger } from 'pino';
import { ClinicError, notFound } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { ClinicStore, FhirSource, ForwardingClaim } from '../store/store.js';
import { identifierOf, screeningForFhir, withoutExisting } from './bundle.js';
import { backoffMs, type ForwarderConfig, resolveEndpoints } from './config.js';
import { redactSatusehatAnswer } from './redact.js';
import { SatusehatClient, SatusehatHttpError } from './satusehat-client.js';

export type { ForwarderConfig } from './config.js';

/** Who the audit log names for what the forwarder changes on its own (no API client asked). */
export const FORWARDER_ACTOR = 'system.satusehat-forwarder';

type Bundle = ReturnType<typeof toSatusehatBundle>;

/**
 * Sends finished screenings to SATUSEHAT, away from ingest: it works from the record's queue
 * (screenings with forwarding `pending`), leases each so that one process sends it, and records
 * every outcome. A resend never makes a second copy: each resource carries a stable business
 * identifier and a conditional create, and before a resend the server is asked what it already has.
 */
export class Forwarder {
  private readonly client: SatusehatClient;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly options: {
      store: ClinicStore;
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

  /**
   * SATUSEHAT refers to patients by IHS number, which a health worker rarely has at hand; the NIK
   * they do have finds it in SATUSEHAT's master patient index. The number found is kept on the
   * patient (audited), so each patient is looked up once. Not found, or more than one match, is a
   * screening the clinic has to look at: guessing would file readings in a stranger's record.
   */
  private async withIhsNumber(source: FhirSource): Promise<FhirSource> {
    const { store, log, metrics, config } = this.options;
    const { patient, screening } = source;
    if (patient.ihsNumber || !patient.nik || config.lookUpIhsNumbers === false) return source;
    const nik = patient.nik;
    const found = await this.ihsNumberByNik('Patient', nik);
    const fix = `check the NIK (PATCH /patients/${patient.id} {"nik": …}) or set the IHS number the clinic has (PATCH /patients/${patient.id} {"ihsNumber": …}), then POST /screenings/${screening.id}/forward`;
    metrics?.forwarderPatientLookups.inc({ outcome: found.outcome });
    if (found.outcome === 'not-found') {
      throw new ClinicError(
        'PATIENT_NOT_IN_SATUSEHAT',
        `SATUSEHAT has no patient with the NIK of patient ${patient.id}: ${fix}`,
        { patientId: patient.id },
      );
    }
    if (found.outcome === 'ambiguous') {
      throw new ClinicError(
        'PATIENT_AMBIGUOUS_IN_SATUSEHAT',
        `SATUSEHAT answered ${found.total} patients for the NIK of patient ${patient.id}${found.total === 1 ? ' without a usable id' : ''}: ${fix}`,
        { patientId: patient.id },
      );
    }
    if (await store.adoptIhsNumber(patient.id, nik, found.ihsNumber)) {
      await this.auditOwnChange('patient', patient.id, patient.id, source.screening.clinicId);
      log.info({ patientId: patient.id }, 'took the IHS number SATUSEHAT has for the NIK of a patient');
      return { ...source, patient: { ...patient, ihsNumber: found.ihsNumber } };
    }
    // Someone changed the patient while we asked: what they set wins.
    return this.sourceOf(screening.id);
  }

  /**
   * The same for the registered health worker a screening names: registered by the NIK they know,
   * found in SATUSEHAT's Practitioner registry, and kept on their record (audited), so each is
   * looked up once. Not found or ambiguous fails the screening with the fix named; the server's
   * default practitioner is not sent instead, as the Encounter would name the wrong person.
   */
  private async withPractitionerIhsNumber(source: FhirSource): Promise<FhirSource> {
    const { store, log, metrics, config } = this.options;
    const { practitioner, screening } = source;
    if (
      screening.practitioner ||
      !practitioner ||
      practitioner.ihsNumber ||
      !practitioner.nik ||
      config.lookUpIhsNumbers === false
    ) {
      return source;
    }
    const nik = practitioner.nik;
    const found = await this.ihsNumberByNik('Practitioner', nik);
    const fix = `check the NIK (PATCH /practitioners/${practitioner.id} {"nik": …}) or set the IHS number the clinic has (PATCH /practitioners/${practitioner.id} {"ihsNumber": …}), then POST /screenings/${screening.id}/forward`;
    metrics?.forwarderPractitionerLookups.inc({ outcome: found.outcome });
    if (found.outcome === 'not-found') {
      throw new ClinicError(
        'PRACTITIONER_NOT_IN_SATUSEHAT',
        `SATUSEHAT has no practitioner with the NIK of practitioner ${practitioner.id}: ${fix}`,
        { practitionerId: practitioner.id },
      );
    }
    if (found.outcome === 'ambiguous') {
      throw new ClinicError(
        'PRACTITIONER_AMBIGUOUS_IN_SATUSEHAT',
        `SATUSEHAT answered ${found.total} practitioners for the NIK of practitioner ${practitioner.id}${found.total === 1 ? ' without a usable id' : ''}: ${fix}`,
        { practitionerId: practitioner.id },
      );
    }
    if (await store.adoptPractitionerIhsNumber(practitioner.id, nik, found.ihsNumber)) {
      await this.auditOwnChange('practitioner', practitioner.id, null, practitioner.clinicId);
      log.info(
        { practitionerId: practitioner.id },
        'took the IHS number SATUSEHAT has for the NIK of a practitioner',
      );
      return { ...source, practitioner: { ...practitioner, ihsNumber: found.ihsNumber } };
    }
    // Someone changed the health worker while we asked: what they set wins.
    return this.sourceOf(screening.id);
  }

  /**
   * SATUSEHAT's id (the IHS number) of the one person it has under a NIK. The NIK goes only into
   * the query's URL, which the client leaves out of every message it logs or stores.
   */
  private async ihsNumberByNik(
    resourceType: 'Patient' | 'Practitioner',
    nik: string,
  ): Promise<
    | { outcome: 'found'; ihsNumber: string }
    | { outcome: 'not-found' }
    | { outcome: 'ambiguous'; total: number }
  > {
    const { ids, total } = await this.client.searchByIdentifier(resourceType, NIK_SYSTEM, nik);
    if (total === 0) return { outcome: 'not-found' };
    const ihsNumber = ids[0];
    if (total > 1 || ihsNumber === undefined || !IhsNumber.safeParse(ihsNumber).success) {
      return { outcome: 'ambiguous', total };
    }
    return { outcome: 'found', ihsNumber };
  }

  private async auditOwnChange(
    resourceType: string,
    resourceId: string,
    patientId: string | null,
    clinicId: string,
  ) {
    await this.options.store.audit([
      {
        clientId: FORWARDER_ACTOR,
        action: 'update',
        resourceType,
        resourceId,
        patientId,
        clinicId,
        requestId: null,
        at: new Date().toISOString(),
      },
    ]);
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
