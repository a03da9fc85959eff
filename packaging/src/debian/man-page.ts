import { run } from '../run.js';

/** Text as roff reads it literally: backslashes doubled, no line taken for a request. */
function literal(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replaceAll('\\', '\\e').replace(/^([.'])/, '\\&$1'))
    .join('\n');
}

/**
 * kiosk-agent(1), written from the CLI's own help texts (the overview and every command's), so the
 * manual says what the installed agent does; the package's files and service are added around them.
 */
export function manPage(cli: string, version: string, date: string): string {
  const help = (args: string[]) => run(process.execPath, [cli, ...args], { cwd: process.cwd() }).trimEnd();
  const overview = help(['--help']);
  const commands = [...overview.matchAll(/^ {2}([a-z][\w-]*) /gm)].map((m) => m[1] as string);
  const sections = commands.map((c) => `.SS ${c}\n.nf\n${literal(help([c, '--help']))}\n.fi`);
  return `.TH KIOSK-AGENT 1 "${date}" "klinik-desa ${version}" "klinik-desa kiosk"
.SH NAME
kiosk-agent \\- the screening kiosk's agent: device readings to the clinic
.SH SYNOPSIS
.B kiosk-agent
.I command
.RI [ options ]
.SH DESCRIPTION
The kiosk agent reads the medical devices of a screening kiosk over USB-serial ports and a BLE
gateway, keeps every reading in an outbox on disk, and sends it to the clinic over MQTT until the
clinic confirms it. The package runs it as the service klinik-desa-kiosk.
.PP
.nf
${literal(overview)}
.fi
.SH COMMANDS
${sections.join('\n')}
.SH FILES
.TP
.I /etc/klinik-desa/kiosk.yaml
The kiosk's configuration; check it with \\fBkiosk-agent check-config\\fR.
.TP
.I /var/lib/klinik-desa-kiosk/
The outbox (mode 0600), in the service's state directory (mode 0700).
.TP
.I /usr/lib/systemd/system/klinik-desa-kiosk.service
The service, run as the user klinik-desa-kiosk in the group dialout; its log is in the journal:
\\fBjournalctl -u klinik-desa-kiosk\\fR.
.TP
.I /usr/lib/udev/rules.d/60-klinik-desa-kiosk.rules
Serial adapters for the dialout group, and \\fI/dev/klinik-desa/ble-gateway\\fR for an ESP32 gateway
with built-in USB.
.SH SEE ALSO
.BR systemctl (1),
.BR journalctl (1)
`;
}
