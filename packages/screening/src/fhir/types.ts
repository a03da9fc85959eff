import type { Reading } from '@klinik-desa/protocol';

/** The few FHIR R4 datatypes and resources this package writes, typed as tightly as it writes them. */
export interface Coding {
  system: string;
  code: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Reference {
  reference: string;
  display?: string;
}

export interface Identifier {
  /** What kind of identifier it is, e.g. a Bluetooth address (Continua `BTMAC`). */
  type?: CodeableConcept;
  system: string;
  value: string;
}

export interface Period {
  start: string;
  end?: string;
}

export interface Quantity {
  value: number;
  /** `>` / `<`: the value is a device's limit and the result lies beyond it. */
  comparator?: '>' | '<';
  unit: string;
  system: string;
  code: string;
}

export type EncounterStatus =
  | 'planned'
  | 'arrived'
  | 'triaged'
  | 'in-progress'
  | 'onleave'
  | 'finished'
  | 'cancelled'
  | 'entered-in-error'
  | 'unknown';

export interface EncounterResource {
  resourceType: 'Encounter';
  identifier: Identifier[];
  status: EncounterStatus;
  statusHistory: { status: EncounterStatus; period: Period }[];
  class: Coding;
  subject: Reference;
  participant: { type: CodeableConcept[]; individual: Reference }[];
  period: Period;
  location: { location: Reference }[];
  serviceProvider: Reference;
}

export interface ObservationComponent {
  code: CodeableConcept;
  valueQuantity?: Quantity;
  dataAbsentReason?: CodeableConcept;
}

export interface ObservationResource {
  resourceType: 'Observation';
  meta?: { profile: string[] };
  identifier: Identifier[];
  status: 'final';
  category: CodeableConcept[];
  code: CodeableConcept;
  subject: Reference;
  encounter: Reference;
  effectiveDateTime: string;
  issued: string;
  performer: Reference[];
  valueQuantity?: Quantity;
  dataAbsentReason?: CodeableConcept;
  interpretation?: CodeableConcept[];
  method?: CodeableConcept;
  device?: Reference;
  derivedFrom?: Reference[];
  component?: ObservationComponent[];
}

export interface DeviceResource {
  resourceType: 'Device';
  identifier: Identifier[];
  status: 'active';
  manufacturer?: string;
  modelNumber?: string;
  serialNumber?: string;
  deviceName: { name: string; type: 'model-name' | 'user-friendly-name' }[];
  version?: { type: CodeableConcept; value: string }[];
  owner: Reference;
  location: Reference;
  note?: { text: string }[];
}

export type BundleResource = EncounterResource | ObservationResource | DeviceResource;

export interface BundleEntry<R extends BundleResource = BundleResource> {
  /** `urn:uuid:` derived from the resource's business identifier: the same screening gives the same bundle. */
  fullUrl: string;
  resource: R;
  request: { method: 'POST'; url: R['resourceType']; ifNoneExist?: string };
}

export interface TransactionBundle {
  resourceType: 'Bundle';
  type: 'transaction';
  entry: BundleEntry[];
}

/** A date-time with an offset, a `Date`, or a wall time without offset (read in the clinic's zone). */
export type DateInput = Date | string;

export interface ScreeningDevice {
  /** The device id of the kiosk configuration (`Reading.device.id`). */
  id: string;
  /** Set when two kiosks of the clinic use the same device id. */
  kioskId?: string;
  /** The decoder protocol id (`ad-scale`, `gatt-2a35`...). */
  protocol: string;
  vendor?: string;
  model?: string;
  serialNumber?: string;
}

/**
 * A finished (or ongoing) screening visit, as the FHIR mapping needs it. SATUSEHAT ids are the ids
 * the platform gave: the patient's and practitioner's IHS numbers (their `Patient` / `Practitioner`
 * resource ids, found by NIK beforehand), the organization id of the client credentials, and the
 * Location resource id of the clinic room.
 */
export interface ScreeningForFhir {
  encounter: {
    /** The clinic's own id for the visit (e.g. the screening session id): the Encounter business identifier. */
    id: string;
    status: EncounterStatus;
    period: { start: DateInput; end?: DateInput };
    /** In order, e.g. arrived → in-progress → finished; the last entry's status is `status`. */
    statusHistory: readonly { status: EncounterStatus; start: DateInput; end?: DateInput }[];
  };
  patient: { ihsNumber: string; display: string };
  practitioner: { ihsNumber: string; display?: string };
  organizationId: string;
  location: { id: string; display: string };
  /** The readings to send, measured and derived (mean blood pressure, BMI). */
  readings: readonly Reading[];
  /** What is known of the devices beyond their id: vendor, model, serial number. */
  devices?: readonly ScreeningDevice[];
  /** IANA zone of the clinic, for wall times given without an offset; default `Asia/Jakarta`. */
  timeZone?: string;
}

export interface FhirBundleOptions {
  /** Root of the business identifier systems; default SATUSEHAT's `http://sys-ids.kemkes.go.id`. */
  identifierBase?: string;
}
