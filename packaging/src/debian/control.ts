import type { DebArch } from './target.js';

export interface ControlFields {
  version: string;
  arch: DebArch;
  maintainer: string;
  installedSizeKiB: number;
  depends: string[];
}

/** DEBIAN/control of the kiosk package. */
export function controlFile(f: ControlFields): string {
  return `Package: klinik-desa-kiosk
Version: ${f.version}
Architecture: ${f.arch}
Maintainer: ${f.maintainer}
Installed-Size: ${f.installedSizeKiB}
Depends: ${f.depends.join(', ')}
Section: misc
Priority: optional
Description: screening-kiosk agent for Indonesia's village clinics
 klinik-desa carries the readings of a screening kiosk's medical devices
 (blood pressure, glucose, weight, temperature, SpO2) into the patient's clinic
 record, without loss when the village network is down for days.
 .
 This package runs the kiosk agent as a service: it reads the devices over
 USB-serial ports and a BLE gateway, keeps every reading in an SQLite outbox
 and sends it to the clinic over MQTT until the clinic confirms it.
`;
}

/**
 * changelog.Debian (gzip it): one entry for the packaged agent version, dated as given (the
 * repository's last commit, so that two builds of one commit are the same).
 */
export function changelogEntry(
  version: string,
  agentVersion: string,
  maintainer: string,
  date: Date,
): string {
  return `klinik-desa-kiosk (${version}) unstable; urgency=medium

  * Package of the klinik-desa kiosk agent ${agentVersion}.

 -- ${maintainer}  ${date.toUTCString().replace('GMT', '+0000')}
`;
}
