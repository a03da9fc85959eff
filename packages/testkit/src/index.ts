export { type MosquittoBroker, type MosquittoOptions, mosquittoBinary, startMosquitto } from './mosquitto.js';
export { freePort, waitFor } from './ports.js';
export {
  AGENT_CLI,
  type RunningProcess,
  repoRoot,
  SERVER_CLI,
  startProcess,
  startTsProcess,
} from './processes.js';
export { createPtyPair, type PtyPair, socatAvailable } from './pty.js';
