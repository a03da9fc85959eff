export * from './audit.js';
export * from './auth.js';
export * from './common.js';
export * from './kiosk.js';
export * from './nik.js';
export * from './patient.js';
export * from './referral.js';
export * from './screening.js';
