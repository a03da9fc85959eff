// The page of the browser test: bundled with the SDK (esbuild, platform browser) and run in
// headless Chromium. It does what a partner's web dashboard would, and leaves what it saw in
// `window.sdkResult` for the test to read.
import { ClinicClient, KlinikDesaError, NotFoundError } from '@klinik-desa/sdk';

declare global {
  interface Window {
    /** `baseUrl` when the API is on another origin (CORS); else the page's own origin. */
    sdkConfig: { clientId: string; clientSecret: string; nik: string; baseUrl?: string };
    sdkResult?: unknown;
    sdkError?: string;
  }
}

async function run() {
  const { clientId, clientSecret, nik, baseUrl } = window.sdkConfig;
  const client = new ClinicClient({ baseUrl: baseUrl ?? window.location.origin, clientId, clientSecret });
  const created = await client.patients.create({
    nik,
    name: 'Ayu Lestari',
    birthDate: '1995-02-01',
    sex: 'female',
    // The test's administrator acts for every clinic, so it names the one registering her.
    clinicId: 'kdmp-3201-001',
  });
  const found = await client.patients.findByNik(nik);
  const kiosks = await client.kiosks.list({ limit: 1 }).toArray();
  let notFound: unknown;
  try {
    await client.patients.retrieve('01970000-0000-7000-8000-000000000000');
  } catch (error) {
    notFound = {
      isNotFound: error instanceof NotFoundError,
      isSdkError: KlinikDesaError.is(error),
      status: (error as NotFoundError).status,
      code: (error as NotFoundError).code,
      requestId: (error as NotFoundError).requestId,
    };
  }
  let aborted: unknown;
  try {
    await client.referrals
      .list()
      .firstPage()
      .then(() => undefined);
    await client.patients.retrieve(created.id, { signal: AbortSignal.abort() });
  } catch (error) {
    aborted = (error as KlinikDesaError).code;
  }
  return {
    userAgent: navigator.userAgent,
    created,
    sameId: found?.id === created.id,
    kioskIds: kiosks.map((k) => k.kioskId),
    notFound,
    aborted,
  };
}

run().then(
  (result) => {
    window.sdkResult = result;
  },
  (error: unknown) => {
    window.sdkError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  },
);
