import type { BilingualText, FleetAlert } from '@klinik-desa/protocol';
import type { ClinicFacts, KioskFacts } from './facts.js';
import type { FleetThresholds } from './thresholds.js';

// Pure: facts and the time in, alerts out. Each alert says what is wrong with the figure that
// tripped it, and what a worker at the puskesmas or the operator does about it, in Bahasa
// Indonesia first.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A span as a person says it: "2 jam 5 menit" / "2 h 5 min", whole days past two days. */
export function span(ms: number): BilingualText {
  const abs = Math.abs(ms);
  if (abs >= 2 * DAY) {
    const d = Math.floor(abs / DAY);
    return { id: `${d} hari`, en: `${d} days` };
  }
  const h = Math.floor(abs / HOUR);
  const m = Math.floor((abs % HOUR) / MINUTE);
  if (h === 0) return { id: `${m} menit`, en: `${m} min` };
  if (m === 0) return { id: `${h} jam`, en: `${h} h` };
  return { id: `${h} jam ${m} menit`, en: `${h} h ${m} min` };
}

type Draft = Omit<FleetAlert, 'clinicId' | 'kioskId' | 'deviceId'> & { deviceId?: string };

function kioskAlert(k: KioskFacts, d: Draft): FleetAlert {
  return { ...d, clinicId: k.clinicId, kioskId: k.kioskId, deviceId: d.deviceId ?? null };
}

/** Silence: never heard since it was registered, or not heard for too long. */
function silence(k: KioskFacts, now: number, t: FleetThresholds): Draft | undefined {
  if (k.lastSeenAt === null) {
    const since = now - Date.parse(k.registeredAt);
    if (since <= t.silentAfterMs) return undefined;
    const s = span(since);
    return {
      code: 'KIOSK_NEVER_HEARD',
      severity: 'warning',
      message: {
        id: `Kiosk terdaftar ${s.id} lalu tetapi belum pernah tersambung ke server klinik.`,
        en: `The kiosk was registered ${s.en} ago and has never connected to the clinic server.`,
      },
      action: {
        id: 'Pasang kiosk.yaml dengan kredensial yang diberikan saat pendaftaran, lalu periksa listrik dan jaringan kiosk.',
        en: "Install kiosk.yaml with the credentials given at registration, then check the kiosk's power and network.",
      },
    };
  }
  const silent = now - Date.parse(k.lastSeenAt);
  if (silent <= t.silentAfterMs) return undefined;
  const s = span(silent);
  return {
    code: 'KIOSK_SILENT',
    severity: 'critical',
    message: {
      id: `Kiosk tidak terdengar selama ${s.id}.`,
      en: `The kiosk has not been heard for ${s.en}.`,
    },
    action: {
      id: 'Periksa listrik dan jaringan kiosk: apakah menyala dan tersambung ke internet? Nyalakan ulang kiosk bila perlu. Pembacaan tetap tersimpan di kiosk.',
      en: "Check the kiosk's power and network: is it on and connected? Restart the kiosk if needed. Its readings stay kept on the kiosk.",
    },
  };
}

function outbox(k: KioskFacts, now: number, t: FleetThresholds): Draft[] {
  const box = k.status?.outbox;
  if (!box) return [];
  const out: Draft[] = [];
  const oldest = box.oldestAt === undefined ? undefined : now - Date.parse(box.oldestAt);
  if (oldest !== undefined && box.depth > 0 && oldest > t.backlogOldestMs) {
    const s = span(oldest);
    out.push({
      code: 'OUTBOX_BACKLOG_OLD',
      severity: 'critical',
      message: {
        id: `Pembacaan tertua yang belum dikonfirmasi klinik berumur ${s.id} (${box.depth} pembacaan menunggu).`,
        en: `The oldest reading the clinic has not confirmed is ${s.en} old (${box.depth} readings waiting).`,
      },
      action: {
        id: 'Pastikan kiosk tersambung ke server klinik (MQTT). Pembacaan aman di kiosk dan terkirim sendiri begitu tersambung: jangan hapus data kiosk.',
        en: 'Make sure the kiosk reaches the clinic server (MQTT). The readings are safe on the kiosk and go out by themselves once connected: do not wipe the kiosk.',
      },
    });
  }
  if (box.nearlyFull) {
    out.push({
      code: 'OUTBOX_NEARLY_FULL',
      severity: 'critical',
      message: {
        id: `Antrean kiosk hampir penuh: ${box.depth} dari ${box.capacity} pembacaan.`,
        en: `The kiosk's outbox is nearly full: ${box.depth} of ${box.capacity} readings.`,
      },
      action: {
        id: 'Sambungkan kiosk ke jaringan hari ini; bila antrean penuh, pembacaan baru tidak dapat disimpan.',
        en: 'Connect the kiosk to the network today; once the outbox is full, new readings cannot be kept.',
      },
    });
  }
  return out;
}

function clock(k: KioskFacts, t: FleetThresholds): Draft | undefined {
  if (k.clockSkewMs === null || Math.abs(k.clockSkewMs) <= t.clockSkewMs) return undefined;
  const s = span(k.clockSkewMs);
  const ahead = k.clockSkewMs > 0;
  return {
    code: 'CLOCK_SKEW',
    severity: 'warning',
    message: {
      id: `Jam kiosk ${ahead ? 'lebih cepat' : 'lebih lambat'} ${s.id} dari server klinik.`,
      en: `The kiosk's clock is ${s.en} ${ahead ? 'ahead of' : 'behind'} the clinic server.`,
    },
    action: {
      id: 'Atur jam kiosk: aktifkan sinkronisasi waktu (timedatectl set-ntp true) dan periksa zona waktunya. Waktu pemeriksaan bergantung pada jam ini.',
      en: "Set the kiosk's clock: turn on time sync (timedatectl set-ntp true) and check its time zone. Screening times depend on it.",
    },
  };
}

function devices(k: KioskFacts, t: FleetThresholds): Draft[] {
  const out: Draft[] = [];
  for (const d of k.status?.devices ?? []) {
    if (d.state !== 'failed') continue;
    out.push({
      code: 'DEVICE_FAILED',
      severity: 'critical',
      deviceId: d.id,
      message: {
        id: `Alat ${d.id} gagal dan dimatikan sampai agen kiosk dinyalakan ulang.`,
        en: `Device ${d.id} failed and stays off until the kiosk agent restarts.`,
      },
      action: {
        id: 'Periksa kabel dan daya alat, lalu nyalakan ulang agen kiosk. Bila gagal lagi, hubungi operator atau vendor alat.',
        en: "Check the device's cable and power, then restart the kiosk agent. If it fails again, call the operator or the device vendor.",
      },
    });
  }
  if (k.recent.decodeErrors >= t.decodeErrorsPerDay) {
    out.push({
      code: 'DEVICE_ERRORS',
      severity: 'warning',
      message: {
        id: `${k.recent.decodeErrors} galat baca alat dalam 24 jam terakhir.`,
        en: `${k.recent.decodeErrors} device read errors in the last 24 hours.`,
      },
      action: {
        id: 'Periksa kabel dan colokan alat; ganti kabel bila galat terus muncul.',
        en: "Check the devices' cables and plugs; replace a cable if the errors go on.",
      },
    });
  }
  if (k.status?.disk?.state === 'full') {
    out.push({
      code: 'DISK_FULL',
      severity: 'critical',
      message: {
        id: 'Disk kiosk penuh: pembacaan baru tidak disimpan.',
        en: "The kiosk's disk is full: new readings are not kept.",
      },
      action: {
        id: 'Kosongkan ruang disk kiosk (hapus berkas lain, bukan antrean pembacaan) atau ganti kartu memorinya.',
        en: "Free space on the kiosk's disk (remove other files, never the reading outbox) or replace its memory card.",
      },
    });
  }
  return out;
}

/** Alerts about one kiosk at `now` (epoch ms). */
export function kioskAlerts(k: KioskFacts, now: number, t: FleetThresholds): FleetAlert[] {
  const silent = silence(k, now, t);
  const skew = clock(k, t);
  return [...(silent ? [silent] : []), ...outbox(k, now, t), ...(skew ? [skew] : []), ...devices(k, t)].map(
    (d) => kioskAlert(k, d),
  );
}

/** Alerts about a clinic as a whole: SATUSEHAT and referrals. */
export function clinicAlerts(c: ClinicFacts, now: number, t: FleetThresholds): FleetAlert[] {
  const out: FleetAlert[] = [];
  const failed = c.satusehatFailures.reduce((n, f) => n + f.count, 0);
  if (failed > 0) {
    const reasons = c.satusehatFailures.map((f) => `${f.reason} (${f.count})`).join(', ');
    out.push({
      code: 'SATUSEHAT_FAILURES',
      severity: 'warning',
      clinicId: c.clinicId,
      kioskId: null,
      deviceId: null,
      message: {
        id: `${failed} pemeriksaan gagal dikirim ke SATUSEHAT: ${reasons}.`,
        en: `${failed} screenings were not taken by SATUSEHAT: ${reasons}.`,
      },
      action: {
        id: 'Lihat pemeriksaan yang gagal, perbaiki penyebabnya (mis. NIK pasien atau tenaga kesehatan tidak ditemukan di SATUSEHAT), lalu kirim ulang.',
        en: 'Look at the failed screenings, fix the cause (e.g. the patient or health worker NIK not found in SATUSEHAT), then send them again.',
      },
    });
  }
  const { count, oldestAt } = c.openReferrals;
  const waited = oldestAt === null ? 0 : now - Date.parse(oldestAt);
  if (count > 0 && waited > t.referralWaitMs) {
    const s = span(waited);
    out.push({
      code: 'REFERRALS_WAITING',
      severity: 'warning',
      clinicId: c.clinicId,
      kioskId: null,
      deviceId: null,
      message: {
        id: `${count} rujukan belum ditindaklanjuti; yang tertua menunggu ${s.id}.`,
        en: `${count} referrals are not acknowledged yet; the oldest has waited ${s.en}.`,
      },
      action: {
        id: 'Hubungi pasien yang dirujuk, lalu tandai rujukan sebagai sudah ditindaklanjuti.',
        en: 'Contact the referred patients, then mark the referrals as acknowledged.',
      },
    });
  }
  return out;
}
