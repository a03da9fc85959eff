import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_ERROR_CODES } from '@klinik-desa/protocol';
import { REJECTION_CODES } from '@klinik-desa/screening';
import { describe, expect, it } from 'vitest';
import {
  CLINIC_REQUEST_CODES,
  LOCAL_API_CODES,
  MANUAL_READING_CODES,
  messagesMarkdown,
  messagesScript,
  NIK_PROBLEM_CODES,
  OUTBOX_CODES,
  PAGE_CODES,
  PAGE_MESSAGES,
  PATIENT_FORM_PROBLEMS,
  RECEIPT_REJECT_CODES,
  SAME_IN_BOTH,
  UNKNOWN_MESSAGE,
} from './index.js';

const SOURCES: Record<string, readonly string[]> = {
  'the local API (LocalApiError)': LOCAL_API_CODES,
  'the agent asking the clinic (ClinicRequestError)': CLINIC_REQUEST_CODES,
  'the clinic API (protocol API_ERROR_CODES)': API_ERROR_CODES,
  'typed values (ManualReadingError)': MANUAL_READING_CODES,
  'measurements refused (screening REJECTION_CODES)': REJECTION_CODES,
  'the outbox (OutboxFullError)': OUTBOX_CODES,
  'the NIK check (protocol NIK_PROBLEMS)': NIK_PROBLEM_CODES,
  'the patient form': PATIENT_FORM_PROBLEMS,
  "the clinic's reading receipts": RECEIPT_REJECT_CODES,
};

describe('the kiosk page messages', () => {
  it('have Indonesian and English words for every code each source can give the page', () => {
    const missing: string[] = [];
    for (const [source, codes] of Object.entries(SOURCES)) {
      expect(codes.length, source).toBeGreaterThan(0);
      for (const code of codes) if (!PAGE_MESSAGES[code]) missing.push(`${code} (${source})`);
    }
    expect(missing).toEqual([]);
  });

  it('hold no code that nothing gives the page', () => {
    expect(Object.keys(PAGE_MESSAGES).filter((code) => !PAGE_CODES.includes(code))).toEqual([]);
  });

  it('are never empty, and the Indonesian is not the English copied', () => {
    for (const [code, m] of Object.entries({ ...PAGE_MESSAGES, '(unknown)': UNKNOWN_MESSAGE })) {
      expect(m.id.trim(), code).not.toBe('');
      expect(m.en.trim(), code).not.toBe('');
      if (!SAME_IN_BOTH.has(code)) expect(m.id, code).not.toBe(m.en);
    }
  });

  it('use the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [code, m] of Object.entries({ ...PAGE_MESSAGES, '(unknown)': UNKNOWN_MESSAGE }))
      expect(placeholders(m.id), code).toEqual(placeholders(m.en));
    expect(placeholders(UNKNOWN_MESSAGE.id)).toEqual(['code']);
  });

  it('reach the page as a module holding the same table', async () => {
    const url = `data:text/javascript;base64,${Buffer.from(messagesScript()).toString('base64')}`;
    const module = (await import(url)) as { MESSAGES: unknown; UNKNOWN_MESSAGE: unknown };
    expect(module.MESSAGES).toEqual(PAGE_MESSAGES);
    expect(module.UNKNOWN_MESSAGE).toEqual(UNKNOWN_MESSAGE);
  });

  it("are what the page shows: no page script reads an answer's English `message`", () => {
    const page = join(dirname(fileURLToPath(import.meta.url)), '../../page');
    const reads: string[] = [];
    for (const file of readdirSync(page).filter((f) => f.endsWith('.js'))) {
      const lines = readFileSync(join(page, file), 'utf8').split('\n');
      // A flag's `message` is in both languages (`message[lang]`); an answer's is English.
      lines.forEach((line, i) => {
        if (/\.message\b(?!\?\.\[)/.test(line)) reads.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(reads).toEqual([]);
  });

  it('are listed, as they are, in docs/deployment.md', () => {
    const docs = readFileSync(
      join(dirname(fileURLToPath(import.meta.url)), '../../../docs/deployment.md'),
      'utf8',
    );
    // Stale: run node --conditions=@klinik-desa/source --import tsx kiosk-agent/src/page-messages/write-doc.ts
    // Cells compared without their padding: the formatter lines the table's columns up.
    const cells = (markdown: string) =>
      markdown
        .split('\n')
        .filter((line) => line.startsWith('|'))
        .map((line) => line.replace(/ *\| */g, '|').replace(/-{3,}/g, '---'));
    const table = cells(messagesMarkdown());
    const committed = cells(docs);
    const at = committed.indexOf(table[0] as string);
    expect(committed.slice(at, at + table.length)).toEqual(table);
  });
});
