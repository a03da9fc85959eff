// The screening open at this kiosk, and what the kiosk asks the clinic about screenings, patients
// and health workers.
export { askClinic, ClinicRequestError, clinicClient, clinicRefusal } from './clinic-client.js';
export { ClinicPatients, type PatientCard } from './clinic-patients.js';
export {
  ClinicPractitioners,
  type PractitionerChoice,
  type PractitionerList,
} from './clinic-practitioners.js';
export {
  ClinicScreenings,
  type ClosedScreening,
  type OpenScreeningRequest,
  type ScreeningSummary,
} from './clinic-screenings.js';
export { OpenScreening } from './open-screening.js';
export { type DamagedFile, ScreeningState } from './screening-state.js';
