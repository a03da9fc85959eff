// The fleet page: one document, one script, one style sheet, served by the clinic server as they
// are written here (no build step, nothing from a CDN).
export { FLEET_CSS } from './css.js';
export { FLEET_HTML } from './html.js';
export { FLEET_JS } from './script.js';
