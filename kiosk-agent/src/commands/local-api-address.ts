import { UsageError } from '../cli-support.js';
import { loadConfig } from '../config/config.js';

/** The running agent's local API: `--url` as given, or the address kiosk.yaml (`--config`) names. */
export function localApiAddress(values: { config?: string | undefined; url?: string | undefined }): string {
  if (values.url) return values.url;
  if (!values.config) throw new UsageError('give --config <kiosk.yaml> or --url <local API address>');
  const { http } = loadConfig(values.config);
  if (http.port === 0) throw new UsageError('the config lets the local API pick a free port; give --url');
  return `http://${http.host.includes(':') ? `[${http.host}]` : http.host}:${http.port}`;
}
