export * from './codes.js';
export { PAGE_MESSAGES, type PageMessage, SAME_IN_BOTH, UNKNOWN_MESSAGE } from './messages.js';
export { messagesMarkdown, messagesScript } from './script.js';
