'use strict';
// What the instant-trigger suites share: a one-node workflow with an instant trigger, messages typed "now" (whole
// seconds, each after the previous one: some providers keep only seconds), a delivery that n8n answers even right
// after a start, the texts each execution emitted, and waiting for the provider's side to reach a state.
//   instantWorkflow({ name, type, parameters, credentials })   type: e.g. 'twoChatInstantTrigger'
//   const inbound = messageClock();  inbound(text, contact)     a neutral message for the local servers
//   await deliverLive(sim, message, opts)                      retries while n8n's route is not there yet
//   await emittedTexts(n8n, workflowId)                        [[texts of execution 1], [texts of execution 2], …]
//   await until(what, check, timeoutMs)
const crypto = require('crypto');
const { BUSINESS, CONTACTS } = require('../helpers/providers');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TRIGGER_NAME = 'New Message';

function instantWorkflow({ name, type, parameters, credentials }) {
	return {
		name,
		nodes: [
			{
				id: crypto.randomUUID(),
				name: TRIGGER_NAME,
				type: `n8n-nodes-whatsapp-history.${type}`,
				typeVersion: 1,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
				parameters,
				credentials,
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

/** A function giving inbound messages arriving now, each at least a second after the one before. */
function messageClock() {
	let clock = Math.floor(Date.now() / 1000) * 1000 + 5000;
	return (text, contact = CONTACTS[0]) => {
		clock = Math.max(clock + 1000, Math.ceil(Date.now() / 1000) * 1000);
		return { timestamp: clock, direction: 'inbound', business: BUSINESS, contact, text };
	};
}

/** A delivery that n8n answers: right after a start or an activation its route can be 404 for a moment, so the provider retries. */
async function deliverLive(sim, message, opts) {
	Object.assign(sim.webhooks.switches, { retries: 40, retryDelayMs: 250 });
	try {
		return await sim.webhooks.deliver(message, opts);
	} finally {
		Object.assign(sim.webhooks.switches, { retries: 0 });
	}
}

/** The texts of every execution's trigger items, oldest execution first. */
async function emittedTexts(n8n, workflowId) {
	const out = [];
	for (const summary of (await n8n.executions(workflowId)).slice().reverse()) {
		out.push(n8n.nodeOutput(await n8n.waitForExecution(summary.id), TRIGGER_NAME).map((m) => m.text));
	}
	return out;
}

/** Waits until `check` gives a truthy value (activation, restarts and deactivation run asynchronously). */
async function until(what, check, timeoutMs = 30000) {
	const t0 = Date.now();
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await sleep(250);
	}
}

module.exports = { instantWorkflow, messageClock, deliverLive, emittedTexts, until, TRIGGER_NAME };
