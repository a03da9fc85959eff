export {
  type BenchClinic,
  type BenchClinicOptions,
  BenchSeedError,
  startBenchClinic,
} from './bench-clinic.js';
