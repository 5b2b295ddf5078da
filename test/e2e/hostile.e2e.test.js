// The hostile side inside a real n8n (issue 11): each provider's credential points at a front that redirects to a
// second origin or echoes the request back. Through n8n's own HTTP helper, credential tester, execution data and
// debug log: the second origin never sees the key, and neither the saved execution nor n8n's log holds it.
const path = require('path');
const { startN8n, n8nBin } = require('./harness');
const { manualWorkflow } = require('./workflow');
const { startSimulator } = require('../simulators');
const { startHostile } = require('../simulators/hostile');
const { BUSINESS, CONTACTS, seed } = require('../helpers/providers');

const PKG = path.resolve(__dirname, '../..');
const KEY = 'sk_admin_hostile-e2e/KEY+42';
const TYPE = (name) => `n8n-nodes-whatsapp-history.${name}`;
const FORMS = [KEY, encodeURIComponent(KEY), JSON.stringify(KEY).slice(1, -1)];
const hasKey = (value) => {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return FORMS.some((f) => text.includes(f));
};

const PROVIDERS = [
	{ sim: 'doubletick', node: 'doubleTick', cred: 'doubleTickApi' },
	{ sim: 'twochat', node: 'twoChat', cred: 'twoChatApi' },
	{ sim: 'chirp', node: 'chirp', cred: 'chirpApi' },
	{ sim: 'ninetyninedigital', node: 'ninetyNineDigital', cred: 'ninetyNineDigitalApi' },
];

let n8n;
const sims = {};
const fronts = {};
const creds = {};

beforeAll(async () => {
	for (const p of PROVIDERS) {
		sims[p.sim] = await startSimulator(p.sim, { apiKey: KEY });
		seed(sims[p.sim], p.sim, 5, { stepMs: 3600_000 });
		fronts[p.sim] = await startHostile({ upstream: sims[p.sim].url });
	}
	n8n = await startN8n({ pkgDir: PKG, bin: n8nBin(), env: { N8N_LOG_LEVEL: 'debug' } });
	for (const p of PROVIDERS) {
		creds[p.sim] = await n8n.createCredential({ name: `${p.sim} hostile`, type: p.cred, data: { apiKey: KEY, baseUrl: fronts[p.sim].url } });
	}
}, 300000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	for (const p of PROVIDERS) {
		if (fronts[p.sim]) await fronts[p.sim].close();
		if (sims[p.sim]) await sims[p.sim].close();
	}
});

async function run(p, options = {}) {
	const wf = manualWorkflow({
		name: `${p.node} hostile`,
		node: {
			name: 'WhatsApp',
			type: TYPE(p.node),
			parameters: { operation: 'getConversation', businessNumber: BUSINESS, contactNumber: CONTACTS[0], returnAll: true, options: { maxRetries: 0, ...options } },
			credentials: { [p.cred]: creds[p.sim] },
		},
	});
	const { execution } = await n8n.runManual(wf);
	return { execution, items: n8n.nodeOutput(execution, 'WhatsApp'), error: n8n.nodeError(execution, 'WhatsApp') };
}

describe.each(PROVIDERS)('$node in n8n, hostile network', (p) => {
	beforeEach(() => fronts[p.sim].reset());

	test('credential test through a redirect to another origin: the key does not go there', async () => {
		const h = fronts[p.sim];
		h.set({ redirect: 307, to: 'other' });
		await n8n.testCredential({ ...creds[p.sim], data: { apiKey: KEY, baseUrl: h.url } });
		expect(h.front.length).toBeGreaterThan(0);
		for (const r of h.other) expect(hasKey(r)).toBe(false);
	});

	test('a 307 to another origin: the run fails naming the host; nothing reaches it; no key in the execution', async () => {
		const h = fronts[p.sim];
		h.set({ redirect: 307, to: 'other' });
		const { execution, error } = await run(p);
		expect(JSON.stringify(error)).toContain(new URL(h.otherUrl).host);
		expect(h.other).toHaveLength(0);
		expect(hasKey(execution)).toBe(false);
	});

	test('replies that echo the key (error body, 2xx body with Include Raw): not in the execution, not in the debug log', async () => {
		const h = fronts[p.sim];
		h.set({ echo: 'json' });
		const failed = await run(p);
		expect(failed.error).toBeTruthy();
		expect(hasKey(failed.execution)).toBe(false);
		h.set({ echo: 'ok' });
		const ok = await run(p, { includeRaw: true });
		expect(ok.items.length).toBeGreaterThan(0);
		expect(JSON.stringify(ok.items)).toContain('[redacted]');
		expect(hasKey(ok.execution)).toBe(false);
		expect(hasKey(n8n.log())).toBe(false);
	});
});
