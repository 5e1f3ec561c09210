// Anvil (revm, native) as an optional column: the pre-state is set with anvil_* methods and the
// message runs as an eth_call, so its time includes JSON-RPC over local HTTP. The fixed cost of
// that round trip is measured with an empty call and reported beside it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The anvil binary from `ANVIL_BIN` or the npm package @foundry-rs/anvil-linux-amd64, if any. */
export function findAnvil() {
  if (process.env.ANVIL_BIN) return existsSync(process.env.ANVIL_BIN) ? process.env.ANVIL_BIN : undefined;
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('@foundry-rs/anvil-linux-amd64/package.json');
    const binary = join(dirname(pkg), 'bin', 'anvil');
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const hex = (value) => '0x' + value.toString(16);
const word = (value) => '0x' + value.toString(16).padStart(64, '0');
const bytesHex = (bytes) => '0x' + Buffer.from(bytes).toString('hex');

const HARDFORKS = {
  London: 'london',
  Paris: 'paris',
  Shanghai: 'shanghai',
  Cancun: 'cancun',
  Prague: 'prague',
  Osaka: 'osaka',
  Berlin: 'berlin',
};

export class Anvil {
  /** @param {string} binary @param {string} fork */
  static async start(binary, fork) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    const args = ['--port', String(port), '--silent', '--disable-block-gas-limit', '--disable-code-size-limit'];
    if (HARDFORKS[fork]) args.push('--hardfork', HARDFORKS[fork]);
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const anvil = new Anvil(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 15000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`anvil exited: ${stderr.trim()}`);
      try {
        await anvil.rpc('eth_chainId', []);
        return anvil;
      } catch {
        if (Date.now() > deadline) {
          anvil.stop();
          throw new Error('anvil did not start within 15 s');
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  constructor(child, url) {
    this.child = child;
    this.url = url;
    this.id = 0;
  }

  async rpc(method, params) {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++this.id, method, params }),
    });
    const body = await response.json();
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result;
  }

  /** Puts the pre-state into anvil's latest block. */
  async load(pre) {
    for (const [address, account] of pre) {
      await this.rpc('anvil_setBalance', [address, hex(account.balance)]);
      await this.rpc('anvil_setNonce', [address, hex(account.nonce)]);
      await this.rpc('anvil_setCode', [address, bytesHex(account.code)]);
      for (const [slot, value] of account.storage) await this.rpc('anvil_setStorageAt', [address, word(slot), word(value)]);
    }
  }

  /** The message as an eth_call; returns its output as hex. */
  call(call) {
    return this.rpc('eth_call', [
      { from: call.caller, to: call.to, data: bytesHex(call.data), value: hex(call.value), gas: hex(call.gas) },
      'latest',
    ]);
  }

  stop() {
    if (this.child.exitCode === null) this.child.kill();
  }
}
