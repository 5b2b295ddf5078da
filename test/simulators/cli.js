#!/usr/bin/env node
'use strict';
// node test/simulators/cli.js <provider> [--port N] [--key K] [--messages N] [--latency MS] [--business +972501234567]
// Prints one JSON line {"provider","url","apiKey"} and runs until SIGTERM/SIGINT.
const { startSimulator, providers } = require('./index');

function parseArgs(argv) {
  const out = { provider: null, opts: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) throw new Error(`missing value for ${a}`); return argv[++i]; };
    if (a === '--port') out.opts.port = Number(val());
    else if (a === '--key') out.opts.apiKey = val();
    else if (a === '--messages') out.opts.messages = Number(val());
    else if (a === '--latency') out.opts.latencyMs = Number(val());
    else if (a === '--business') out.opts.business = val();
    else if (!a.startsWith('--') && !out.provider) out.provider = a;
    else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

async function main() {
  let args;
  try { args = parseArgs(process.argv.slice(2)); } catch (e) { console.error(e.message); process.exit(2); }
  if (!args.provider) {
    console.error(`usage: cli.js <${providers.join('|')}> [--port N] [--key K] [--messages N] [--latency MS] [--business NUMBER]`);
    process.exit(2);
  }
  const sim = await startSimulator(args.provider, args.opts);
  process.stdout.write(JSON.stringify({ provider: sim.provider, url: sim.url, apiKey: sim.apiKey }) + '\n');
  const stop = () => sim.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => { console.error(e && e.message); process.exit(1); });
