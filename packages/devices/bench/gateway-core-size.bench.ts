/**
 * Flash and static RAM of the BLE gateway firmware's portable core (examples/ble-gateway-esp32/core),
 * cross-compiled for the ESP32-C3's RISC-V ISA (rv32imc, -Os, picolibc), next to a baseline measured
 * in the same run: the CRC and the line framing alone (reader and writer). Flash is text + rodata
 * (and data's initial values), static RAM is data + bss, as riscv64-unknown-elf-size reports them
 * for the core's objects plus the one `gw_gateway` the binding keeps in static memory (its state
 * for 4 devices, its line buffers and its output ring). The libc calls the core makes (memcmp and
 * the like) are in the chip's ROM or the radio stack already. The aim: under 48 kB of flash and
 * 12 kB of static RAM. Run with `pnpm bench core-size`.
 *
 * Needs Debian's cross toolchain: apt-get install gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CORE = fileURLToPath(new URL('../../../examples/ble-gateway-esp32/core', import.meta.url));
const BASELINE = ['gw_crc.c', 'gw_line_reader.c', 'gw_line_writer.c'];
const DEVICES = 4;
const AIM = { flash: 48 * 1024, ram: 12 * 1024 };
const FLAGS = [
  '-std=c11',
  '-march=rv32imc',
  '-mabi=ilp32',
  '--specs=picolibc.specs',
  '-Os',
  '-ffunction-sections',
  '-fdata-sections',
  `-DGW_MAX_DEVICES=${DEVICES}`,
];

function tool(name: string, args: string[]): string {
  const result = spawnSync(name, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : result.stderr.trim();
    console.error(
      `gateway core size: ${name} failed (${why}).\nInstall the cross toolchain: apt-get install gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf`,
    );
    process.exit(1);
  }
  return result.stdout;
}

interface Size {
  flash: number;
  ram: number;
}

/** Berkeley `size` of the objects: text already holds rodata for relocatable objects. */
function sizeOf(objects: string[]): Size {
  const total = tool('riscv64-unknown-elf-size', ['-t', ...objects])
    .trim()
    .split('\n')
    .at(-1)
    ?.trim()
    .split(/\s+/)
    .map(Number);
  if (!total || total.length < 3 || total.slice(0, 3).some(Number.isNaN))
    throw new Error('unreadable size output');
  const [text, data, bss] = total as [number, number, number];
  return { flash: text + data, ram: data + bss };
}

const build = mkdtempSync(join(tmpdir(), 'gateway-core-size-'));
try {
  const sources = readdirSync(CORE).filter((f) => f.endsWith('.c'));
  const objects = new Map<string, string>();
  for (const source of sources) {
    const object = join(build, `${basename(source, '.c')}.o`);
    tool('riscv64-unknown-elf-gcc', [...FLAGS, '-c', join(CORE, source), '-o', object]);
    objects.set(source, object);
  }
  // The gateway's state, as the binding holds it: one static gw_gateway.
  const probe = join(build, 'gateway-state.c');
  writeFileSync(probe, '#include "gw_gateway.h"\ngw_gateway gateway_state;\n');
  const state = join(build, 'gateway-state.o');
  tool('riscv64-unknown-elf-gcc', [...FLAGS, `-I${CORE}`, '-fno-common', '-c', probe, '-o', state]);
  const baseline = sizeOf(BASELINE.map((f) => objects.get(f) ?? f));
  const core = sizeOf([...objects.values(), state]);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`.padStart(9);
  const version = tool('riscv64-unknown-elf-gcc', ['-dumpversion']).trim();
  console.log(
    `gateway core on the ESP32-C3 ISA (gcc ${version}, rv32imc -Os, picolibc, ${DEVICES} devices, ${sources.length} files)`,
  );
  console.log(`${''.padEnd(34)}${'flash'.padStart(9)}${'static RAM'.padStart(12)}`);
  console.log(
    `${'baseline: CRC + line framing'.padEnd(34)}${kb(baseline.flash)}${kb(baseline.ram).padStart(12)}`,
  );
  console.log(`${'core/ + its static gw_gateway'.padEnd(34)}${kb(core.flash)}${kb(core.ram).padStart(12)}`);
  console.log(
    `${'core / baseline'.padEnd(34)}${`${(core.flash / baseline.flash).toFixed(1)}×`.padStart(9)}${(baseline.ram > 0 ? `${(core.ram / baseline.ram).toFixed(1)}×` : '-').padStart(12)}`,
  );
  const within = core.flash < AIM.flash && core.ram < AIM.ram;
  console.log(
    `aim: under ${kb(AIM.flash).trim()} flash and ${kb(AIM.ram).trim()} static RAM: ${within ? 'met' : 'NOT MET'}`,
  );
  if (!within) process.exitCode = 1;
} finally {
  rmSync(build, { recursive: true, force: true });
}
