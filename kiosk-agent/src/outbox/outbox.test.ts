import { MemoryOutbox } from './memory-outbox.js';
import { outboxContract } from './outbox-contract.js';
import { SqliteOutbox } from './sqlite-outbox.js';

outboxContract(
  'SqliteOutbox',
  ({ limits, now }) => new SqliteOutbox(':memory:', { ...limits, ...(now ? { now } : {}) }),
);
outboxContract('MemoryOutbox', ({ limits, now }) => new MemoryOutbox(limits, now));
