/** The architectures the kiosk package is built for: x86 mini-PCs and Raspberry-Pi-class boards. */
export const DEB_ARCHES = ['amd64', 'arm64'] as const;
export type DebArch = (typeof DEB_ARCHES)[number];

export interface DebTarget {
  arch: DebArch;
  /** Node's name for the architecture (`process.arch`, the `node-linux-<arch>` package). */
  nodeArch: 'x64' | 'arm64';
  /** What `file` says of a native file built for it. */
  elfMachine: RegExp;
  /** The GNU triplet of Debian's cross compiler, when this machine is not the target. */
  crossTriplet?: string;
}

const TARGETS: Record<DebArch, Omit<DebTarget, 'crossTriplet'> & { triplet: string }> = {
  amd64: {
    arch: 'amd64',
    nodeArch: 'x64',
    elfMachine: /ELF 64-bit LSB .*x86-64/,
    triplet: 'x86_64-linux-gnu',
  },
  arm64: {
    arch: 'arm64',
    nodeArch: 'arm64',
    elfMachine: /ELF 64-bit LSB .*ARM aarch64/,
    triplet: 'aarch64-linux-gnu',
  },
};

/** The target for `arch`, cross-compiled (with Debian's `g++-<triplet>`) unless this machine is one. */
export function debTarget(arch: DebArch, hostArch: string = process.arch): DebTarget {
  const { triplet, ...target } = TARGETS[arch];
  return target.nodeArch === hostArch ? target : { ...target, crossTriplet: triplet };
}

/** The major of Debian's `nodejs` the package depends on (Debian 13 ships 20): addons are built for it. */
export const DEBIAN_NODE_MAJOR = 20;
