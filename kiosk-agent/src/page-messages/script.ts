import { PAGE_MESSAGES, UNKNOWN_MESSAGE } from './messages.js';

/** The table as the page's module `/messages.js`: made from the TypeScript table, never edited by hand. */
export function messagesScript(): string {
  return [
    '// Made by the kiosk agent from src/page-messages/messages.ts: edit that table, not this file.',
    `export const MESSAGES = ${JSON.stringify(PAGE_MESSAGES, null, 1)};`,
    `export const UNKNOWN_MESSAGE = ${JSON.stringify(UNKNOWN_MESSAGE)};`,
    '',
  ].join('\n');
}

const cell = (text: string) => text.replaceAll('|', '\\|');

/** The table in Markdown, for docs/deployment.md (a test keeps the copy there current). */
export function messagesMarkdown(): string {
  const rows = Object.entries(PAGE_MESSAGES)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, m]) => `| \`${code}\` | ${cell(m.id)} | ${cell(m.en)} |`);
  return [
    '| Code | Bahasa Indonesia | English |',
    '| --- | --- | --- |',
    ...rows,
    `| (any other code) | ${cell(UNKNOWN_MESSAGE.id)} | ${cell(UNKNOWN_MESSAGE.en)} |`,
  ].join('\n');
}
