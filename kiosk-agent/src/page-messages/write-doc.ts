// Writes the kiosk page's messages table into docs/deployment.md, between its two markers.
// Run from the repository root:
//   node --conditions=@klinik-desa/source --import tsx kiosk-agent/src/page-messages/write-doc.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { messagesMarkdown } from './script.js';

const START = '<!-- page-messages:start (made by kiosk-agent/src/page-messages/write-doc.ts) -->';
const END = '<!-- page-messages:end -->';
const file = join(dirname(fileURLToPath(import.meta.url)), '../../../docs/deployment.md');
const docs = readFileSync(file, 'utf8');
const from = docs.indexOf(START);
const to = docs.indexOf(END);
if (from < 0 || to < from) throw new Error(`docs/deployment.md has no ${START} … ${END} markers: add them`);
writeFileSync(file, `${docs.slice(0, from + START.length)}\n${messagesMarkdown()}\n${docs.slice(to)}`);
