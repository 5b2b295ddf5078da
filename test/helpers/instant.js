'use strict';
// Shared setup of the instant-trigger unit tests: the local provider server with its webhook side
// (test/simulators/webhooks.js) and the n8n stand-in (miniN8n.js) running one built instant trigger.
const { startWebhookSimulator } = require('../simulators/webhooks');
const { MiniN8n } = require('./miniN8n');
const { BUSINESS, CONTACTS } = require('./providers');
const { TwoChatInstantTrigger } = require('../../dist/nodes/TwoChat/TwoChatInstantTrigger.node');
const { ChirpInstantTrigger } = require('../../dist/nodes/Chirp/ChirpInstantTrigger.node');
const { DoubleTickInstantTrigger } = require('../../dist/nodes/DoubleTick/DoubleTickInstantTrigger.node');
const { NinetyNineDigitalInstantTrigger } = require('../../dist/nodes/NinetyNineDigital/NinetyNineDigitalInstantTrigger.node');
const { TwoChat } = require('../../dist/nodes/TwoChat/TwoChat.node');
const { Chirp } = require('../../dist/nodes/Chirp/Chirp.node');
const { DoubleTick } = require('../../dist/nodes/DoubleTick/DoubleTick.node');
const { NinetyNineDigital } = require('../../dist/nodes/NinetyNineDigital/NinetyNineDigital.node');

const KEY = 'test-key-instant';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const PROVIDERS = {
  twochat: { nodeClass: TwoChatInstantTrigger, action: TwoChat, provider: '2chat', idOf: (r) => r.uuid, secretIn: 'url', canDelete: true },
  chirp: { nodeClass: ChirpInstantTrigger, action: Chirp, provider: 'chirp', idOf: (r) => r.id, secretIn: 'header', canDelete: true },
  doubletick: { nodeClass: DoubleTickInstantTrigger, action: DoubleTick, provider: 'doubletick', idOf: (r) => r.id, secretIn: 'bearer', canDelete: false },
  ninetyninedigital: { nodeClass: NinetyNineDigitalInstantTrigger, action: NinetyNineDigital, provider: '99digital', idOf: (r) => r.unique, secretIn: 'url', canDelete: true },
};

function credentialsFor(sim) {
  const c = { apiKey: KEY, baseUrl: sim.url };
  if (sim.provider === 'chirp') c.appApiKey = sim.webhooks.appKey;
  return c;
}

async function setup(name, parameters = {}) {
  const sim = await startWebhookSimulator(name, { apiKey: KEY });
  const n8n = await new MiniN8n({
    nodeClass: PROVIDERS[name].nodeClass,
    parameters: { businessNumber: BUSINESS, event: 'inbound', ...parameters },
    credentials: credentialsFor(sim),
  }).start();
  // Deliveries resolve once n8n's work for them is done (the trigger may answer the provider before it is).
  for (const method of ['deliver', 'deliverStatus', 'release']) {
    const original = sim.webhooks[method];
    sim.webhooks[method] = async (...args) => {
      const result = await original(...args);
      await n8n.idle();
      return result;
    };
  }
  return { sim, n8n };
}

/** The test timeline: message times, each later than the one before (whole seconds: some providers keep no more). */
let clock = Math.floor(Date.now() / 1000) * 1000 + 2000;
/** A time `ms` after the previous one (and not before now). */
function later(ms = 1000) {
  clock = Math.max(clock + ms, Math.ceil(Date.now() / 1000) * 1000);
  return clock;
}

/** A new inbound message from a contact, a second past the previous one. */
function inbound(contact = CONTACTS[0], text) {
  return { timestamp: later(1000), direction: 'inbound', business: BUSINESS, contact, text };
}

module.exports = { KEY, PROVIDERS, setup, credentialsFor, inbound, later, sleep };
