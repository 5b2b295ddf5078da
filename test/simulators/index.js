'use strict';
// startSimulator(provider, opts) -> a running simulator (see README.md).
const { Simulator } = require('./base');

const PROVIDERS = {
  doubletick: require('./doubletick'),
  twochat: require('./twochat'),
  chirp: require('./chirp'),
  ninetyninedigital: require('./ninetyninedigital'),
};
const ALIASES = { '2chat': 'twochat', '99digital': 'ninetyninedigital' };

/**
 * @param {'doubletick'|'twochat'|'chirp'|'ninetyninedigital'} provider
 * @param {{ apiKey?: string, latencyMs?: number, port?: number, business?: string, messages?: number,
 *           rateLimit?: { perMinute: number } }} [opts]
 */
async function startSimulator(provider, opts = {}) {
  const name = ALIASES[provider] || provider;
  const def = PROVIDERS[name];
  if (!def) throw new Error(`unknown provider '${provider}' (one of ${Object.keys(PROVIDERS).join(', ')})`);
  const sim = new Simulator(def, opts);
  await sim.listen(opts.port ?? 0);
  if (opts.messages) sim.generate(Number(opts.messages));
  return sim;
}

module.exports = { startSimulator, providers: Object.keys(PROVIDERS) };
