// What a benchmark's raw results record about where they ran: the machine and package versions.
// Shared by bench.mjs, wasm.mjs and node/bench.mjs.
import { readFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';

const ROOT = new URL('..', import.meta.url).pathname;

/** The CPU's full model name (Linux's /proc/cpuinfo), else what os.cpus() says. */
export function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // not Linux: os.cpus() below
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** CPU, cores, memory, OS and Node version. */
export function machine() {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
}

/** The installed version of a package (polyvm's own from its package.json), or 'unknown'. */
export function packageVersion(name) {
  try {
    const path = name === 'polyvm' ? `${ROOT}package.json` : `${ROOT}node_modules/${name}/package.json`;
    return JSON.parse(readFileSync(path, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
