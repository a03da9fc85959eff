// `pnpm --filter @klinik-desa/example-partner-app start [--clinic <id>] [--tz <zone>] [--json]`
//
// Prints today's open referrals. The clinic server and the partner's credentials come from the
// environment: CLINIC_API_URL, CLINIC_CLIENT_ID, CLINIC_CLIENT_SECRET (a partner client, made by
// the clinic's administrator with `clinic-server client create --role partner`).
import { parseArgs } from 'node:util';
import { APIConnectionError, AuthenticationError, ClinicClient, KlinikDesaError } from '@klinik-desa/sdk';
import { formatRows, localDate, referralsToday } from './referrals-today.js';

const USAGE = `Usage: pnpm --filter @klinik-desa/example-partner-app start [--clinic <id>] [--tz <zone>] [--json]

Prints today's open referrals, urgent first. Needs CLINIC_API_URL, CLINIC_CLIENT_ID and
CLINIC_CLIENT_SECRET (a partner client) in the environment.

Options:
  --clinic <id>   only this clinic's referrals (default: every clinic the client may read)
  --tz <zone>     the clinic's time zone, which says when today starts (default Asia/Jakarta)
  --json          print the rows as JSON
  -h, --help      this help`;

/** `--help` and a bad option end here, before the environment is read or the server asked. */
function cliOptions() {
  try {
    const { values } = parseArgs({
      strict: true,
      options: {
        clinic: { type: 'string' },
        tz: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return values;
  } catch (error) {
    // parseArgs says what was wrong in its first sentence ("Unknown option '--foo'").
    const what = (error as Error).message.split('. ')[0];
    console.error(`partner-app: ${what}; options: --clinic <id>, --tz <zone>, --json, --help`);
    process.exit(2);
  }
}
const values = cliOptions();
const env = process.env;
const missing = ['CLINIC_API_URL', 'CLINIC_CLIENT_ID', 'CLINIC_CLIENT_SECRET'].filter((name) => !env[name]);
if (missing.length > 0) {
  console.error(`Set ${missing.join(', ')} (the clinic server and your partner client's credentials).`);
  process.exit(2);
}

const client = new ClinicClient({
  baseUrl: env['CLINIC_API_URL']!,
  clientId: env['CLINIC_CLIENT_ID']!,
  clientSecret: env['CLINIC_CLIENT_SECRET']!,
  scope: ['referral.read', 'patient.read'],
});
const timeZone = values.tz ?? 'Asia/Jakarta';
const now = new Date();

try {
  const rows = await referralsToday(client, { clinicId: values.clinic, timeZone, now });
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
  } else {
    const urgent = rows.filter((r) => r.referral.severity === 'urgent').length;
    console.log(
      `Rujukan hari ini, ${localDate(now, timeZone)} (${timeZone})${values.clinic ? `, ${values.clinic}` : ''}`,
    );
    for (const line of formatRows(rows, { timeZone, now })) console.log(`  ${line}`);
    console.log(`${rows.length} rujukan terbuka (${urgent} urgent, ${rows.length - urgent} refer)`);
  }
} catch (error) {
  if (error instanceof AuthenticationError) {
    console.error(
      `The clinic server refused these credentials (${error.code}): check CLINIC_CLIENT_ID and CLINIC_CLIENT_SECRET.`,
    );
    process.exit(3);
  }
  if (error instanceof APIConnectionError) {
    console.error(`Cannot reach the clinic server at ${env['CLINIC_API_URL']}: ${error.message}`);
    process.exit(4);
  }
  if (error instanceof KlinikDesaError) {
    console.error(`${error.code}: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
