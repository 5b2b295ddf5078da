// One place that knows, per provider, the node class and how to call each operation in tests.
const { TwoChat } = require('../../dist/nodes/TwoChat/TwoChat.node');
const { Chirp } = require('../../dist/nodes/Chirp/Chirp.node');
const { DoubleTick } = require('../../dist/nodes/DoubleTick/DoubleTick.node');
const { NinetyNineDigital } = require('../../dist/nodes/NinetyNineDigital/NinetyNineDigital.node');

const BUSINESS = '+972501234567';
const CONTACTS = ['+972502222222', '+972503333333', '+972504444444'];

const providers = {
	doubletick: {
		nodeClass: DoubleTick,
		provider: 'doubletick',
		credentialType: 'doubleTickApi',
		listPath: '/chat-messages',
		// DoubleTick lists one contact at a time, so "get all" names one.
		getAllFilters: (contact) => ({ contactNumber: contact }),
		lookup: (m) => ({ messageId: m.id, businessNumber: BUSINESS, contactNumber: m.contactNumber }),
		scans: true,
	},
	twochat: {
		nodeClass: TwoChat,
		provider: '2chat',
		credentialType: 'twoChatApi',
		listPath: '/open/whatsapp/messages',
		getAllFilters: () => ({}),
		lookup: (m) => ({ messageId: m.id, sessionKey: m.conversationId }),
		pageSize: 100,
	},
	chirp: {
		nodeClass: Chirp,
		provider: 'chirp',
		credentialType: 'chirpApi',
		listPath: '/v1/organization/whatsapp/messages',
		getAllFilters: () => ({}),
		lookup: (m) => ({ messageId: m.id }),
	},
	ninetyninedigital: {
		nodeClass: NinetyNineDigital,
		provider: '99digital',
		credentialType: 'ninetyNineDigitalApi',
		listPath: '/whatsapp/v2/getHistory',
		getAllFilters: () => ({}),
		lookup: (m) => ({ messageId: m.id, businessNumber: BUSINESS }),
		scans: true,
		pageSize: 50,
	},
};

module.exports = { providers, BUSINESS, CONTACTS };

/** Ids of a provider's raw objects, read the documented way (independent of the node's mapping). */
const RAW_ID = { doubletick: (r) => r.id, twochat: (r) => r.uuid, chirp: (r) => r.id, ninetyninedigital: (r) => r.unique };

/**
 * Fills a simulator with `count` recent messages (10 minutes apart, the newest 5 minutes ago) and returns
 * them newest first as { id, contact, ms } — the contact follows the simulators' documented rule.
 */
function seed(sim, name, count, extra = {}) {
	const stepMs = extra.stepMs ?? 600_000;
	// Whole seconds: some providers (99digital, 2Chat's single read) keep only seconds.
	const start = Math.floor((Date.now() - 300_000 - (count - 1) * stepMs) / 1000) * 1000;
	const raws = sim.generate(count, { business: BUSINESS, contacts: CONTACTS, start, stepMs, ...extra });
	return raws.map((r, j) => {
		const i = count - 1 - j;
		return { id: RAW_ID[name](r), contact: CONTACTS[i % CONTACTS.length], ms: start + i * stepMs, inbound: i % 2 === 0, raw: r };
	});
}

module.exports.seed = seed;
module.exports.RAW_ID = RAW_ID;

const { TwoChatTrigger } = require('../../dist/nodes/TwoChat/TwoChatTrigger.node');
const { ChirpTrigger } = require('../../dist/nodes/Chirp/ChirpTrigger.node');
const { DoubleTickTrigger } = require('../../dist/nodes/DoubleTick/DoubleTickTrigger.node');
const { NinetyNineDigitalTrigger } = require('../../dist/nodes/NinetyNineDigital/NinetyNineDigitalTrigger.node');
providers.twochat.triggerClass = TwoChatTrigger;
providers.chirp.triggerClass = ChirpTrigger;
providers.doubletick.triggerClass = DoubleTickTrigger;
providers.ninetyninedigital.triggerClass = NinetyNineDigitalTrigger;
