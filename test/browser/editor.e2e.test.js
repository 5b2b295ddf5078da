'use strict';
// Real-browser editor test: the built package inside a real n8n (test/e2e/harness.js), driven through n8n's own
// editor UI with playwright-core + the system chromium, against the local provider simulators.
//
// For each provider (DoubleTick, 2Chat, Chirp, 99digital), in a fresh workflow, with exactly the values of the
// README's "Try it" section (the demo data of test/simulators/demo.js):
//   1. node panel: search the node by name, open it (its description is the node's own), add its
//      "Get the conversation with a contact" action (n8n 2.x then adds a Manual Trigger by itself: checked);
//   2. parameters: pick Get Conversation / Get Message / Get Many and check each operation's parameters appear
//      (and the other operations' do not);
//   3. credential: "Create new credential" from the node, save it with a wrong key -> the credential's own failure
//      message is shown; then with the right key -> "Connection tested successfully";
//   4. Get Conversation, Get Message and Get Many, each executed from the node with the README's values;
//   5. one bad input (a contact number without its country code): the error names the parameter;
//   6. the provider's trigger in a saved workflow: "Fetch Test Event" shows the newest message.
// Screenshots of each step: docs/screenshots/<provider>-<step>.png with UPDATE_SCREENSHOTS=1 (that is how the
// README's are made), else in the OS temp dir, so a test run changes no tracked file.
//
// Run: npm run build && npx jest --config jest.e2e.config.js test/browser
// Needs chromium (CHROMIUM_PATH, default /usr/bin/chromium; Debian: apt-get install -y chromium) and
// playwright-core; without them the suite is skipped with a warning saying why. Selectors are n8n 2.8.4's.
// On a failure the page is saved as a screenshot in the OS temp dir (path in the error message).
const fs = require('fs');
const os = require('os');
const path = require('path');

const PKG = path.resolve(__dirname, '../..');
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(PKG, 'docs', 'screenshots') : path.join(os.tmpdir(), 'whatsapp-history-screenshots');
const CHROME = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const KEY = 'sk_admin_browser-e2e-key-0123456789';
const WRONG_KEY = 'wrong-key-browser-e2e';
const STEP_MS = 30000; // generous per-step timeout: waits end as soon as the element is there

const ALL_PROVIDERS = [
	{ sim: 'doubletick', file: 'doubletick', provider: 'doubletick', node: 'DoubleTick', type: 'doubleTick', cred: 'DoubleTick API', credType: 'doubleTickApi', error: 'DoubleTick rejected the API key' },
	{ sim: 'twochat', file: '2chat', provider: '2chat', node: '2Chat', type: 'twoChat', cred: '2Chat API', credType: 'twoChatApi', error: '2Chat rejected the API key' },
	{ sim: 'chirp', file: 'chirp', provider: 'chirp', node: 'Chirp', type: 'chirp', cred: 'Chirp API', credType: 'chirpApi', error: 'Chirp rejected the API key (use an admin key, sk_admin_…)' },
	{ sim: 'ninetyninedigital', file: '99digital', provider: '99digital', node: '99digital', type: 'ninetyNineDigital', cred: '99digital API', credType: 'ninetyNineDigitalApi', error: '99digital rejected the API key' },
];

// BROWSER_PROVIDERS=2chat,chirp runs only those (by file name), e.g. while changing one provider.
const PROVIDERS = ALL_PROVIDERS.filter((p) => !process.env.BROWSER_PROVIDERS || process.env.BROWSER_PROVIDERS.split(',').includes(p.file));

// Parameters each operation must show (and must not show), per provider — from the providers' APIs:
// DoubleTick reads one conversation at a time, 2Chat reads a message by session key + id, Chirp by id only,
// 99digital scans the business number's history (contact optional).
const OPERATIONS = [
	{ name: 'Get Conversation', show: () => ['businessNumber', 'contactNumber', 'returnAll', 'limit'], hide: () => ['messageId', 'sessionKey'] },
	{
		name: 'Get Message',
		show: (p) => ({ doubletick: ['messageId', 'businessNumber', 'contactNumber'], twochat: ['messageId', 'sessionKey', 'businessNumber'], chirp: ['messageId'], ninetyninedigital: ['messageId', 'businessNumber', 'contactNumber'] })[p.sim],
		hide: (p) => ({ doubletick: ['sessionKey'], twochat: ['contactNumber'], chirp: ['businessNumber', 'contactNumber', 'sessionKey'], ninetyninedigital: ['sessionKey'] })[p.sim].concat(['returnAll', 'limit']),
	},
	{ name: 'Get Many', show: () => ['businessNumber', 'returnAll', 'limit'], hide: () => ['messageId', 'sessionKey', 'contactNumber'] },
];

let playwright = null;
try {
	playwright = require('playwright-core');
} catch {
	playwright = null;
}
const skipReason = !playwright
	? 'playwright-core is not installed (npm i -D playwright-core)'
	: !fs.existsSync(CHROME)
		? `no chromium at ${CHROME} (apt-get install -y chromium, or set CHROMIUM_PATH)`
		: null;

if (skipReason) {
	console.warn(`[browser e2e] SKIPPED: ${skipReason}`);
	test.skip(`browser editor e2e skipped: ${skipReason}`, () => {});
} else {
	suite();
}

function suite() {
	const { startN8n, n8nBin } = require('../e2e/harness');
	const { startSimulator } = require('../simulators');
	const { seedDemo } = require('../simulators/demo');

	let n8n;
	let browser;
	let context;
	const sims = {};
	const seeded = {};
	const t0 = Date.now();
	const lap = (m) => console.log(`[browser e2e +${((Date.now() - t0) / 1000).toFixed(1)} s] ${m}`);

	beforeAll(async () => {
		fs.mkdirSync(SHOTS, { recursive: true });
		for (const p of PROVIDERS) {
			sims[p.sim] = await startSimulator(p.sim, { apiKey: KEY });
			seeded[p.sim] = seedDemo(sims[p.sim], p.sim); // the README's "Try it" values
		}
		const [n8nInstance, br] = await Promise.all([
			startN8n({ pkgDir: PKG, bin: n8nBin() }),
			playwright.chromium.launch({ executablePath: CHROME, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] }),
		]);
		n8n = n8nInstance;
		browser = br;
		lap(`n8n ${n8n.version} at ${n8n.base}, chromium ${browser.version()}`);
		context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: n8n.base });
		context.setDefaultTimeout(STEP_MS);
		await login();
		lap('browser logged in');
	}, 300000);

	afterAll(async () => {
		if (browser) await browser.close().catch(() => {});
		if (n8n) await n8n.stop();
		for (const s of Object.values(sims)) await s.close();
		lap('done');
	}, 60000);

	// The harness's cookie is not bound to a browser-id, so the editor accepts it; the login form is the fallback.
	async function login() {
		const [name, ...rest] = n8n.cookie().split('=');
		await context.addCookies([{ name, value: rest.join('='), url: n8n.base }]);
		const page = await context.newPage();
		try {
			await page.goto('/home/workflows');
			await page.waitForURL(/\/(signin|home)/);
			await page.locator('[data-test-id="main-sidebar-settings"], input[name="emailOrLdapLoginId"]').first().waitFor();
			if (page.url().includes('/signin')) {
				await page.fill('input[name="emailOrLdapLoginId"]', n8n.owner.email);
				await page.fill('input[name="password"]', n8n.owner.password);
				await page.click('[data-test-id="form-submit-button"]');
				await page.waitForURL((u) => !/signin/.test(u.toString()));
			}
			await page.locator('[data-test-id="main-sidebar-settings"]').waitFor();
		} finally {
			await page.close();
		}
	}

	/** Screenshot for the docs, without the toasts n8n stacks in the corner (they would hide the output). */
	async function shot(page, p, what) {
		const toasts = page.locator('.el-notification:visible .el-notification__closeBtn');
		for (let i = await toasts.count(); i > 0; i--) await toasts.first().click().catch(() => {});
		await page.locator('.el-notification:visible').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
		await page.screenshot({ path: path.join(SHOTS, `${p.file}-${what}.png`) });
	}

	/** Runs one step; a failure names the step and leaves a screenshot of the page in the temp dir. */
	async function step(page, p, name, fn) {
		const s = Date.now();
		try {
			const out = await fn();
			lap(`${p.node}: ${name} (${Date.now() - s} ms)`);
			return out;
		} catch (err) {
			const file = path.join(os.tmpdir(), `browser-e2e-${p.file}-${name.replace(/\W+/g, '-')}.png`);
			await page.screenshot({ path: file }).catch(() => {});
			err.message = `[${p.node}] step "${name}" failed (page: ${page.url()}, screenshot: ${file}): ${err.message}`;
			throw err;
		}
	}

	const param = (page, name) => page.locator(`[data-test-id="node-parameters"] [data-test-id="parameter-input-${name}"]`);

	async function pickOperation(page, name) {
		await param(page, 'operation').click();
		await page.locator('.el-select-dropdown__item:visible', { hasText: name }).first().click();
		await page.waitForFunction(
			(v) => document.querySelector('[data-test-id="node-parameters"] [data-test-id="parameter-input-operation"] input')?.value === v,
			name,
			{ timeout: STEP_MS },
		);
	}

	async function visibleParams(page) {
		const ids = await page.locator('[data-test-id="node-parameters"] [data-test-id^="parameter-input-"]:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-test-id')));
		return [...new Set(ids.map((id) => id.replace('parameter-input-', '')))].filter((n) => n !== 'field');
	}

	describe.each(PROVIDERS)('$node node in the n8n editor', (p) => {
		test('add from the node panel, operations, credential test, execute', async () => {
			const sim = sims[p.sim];
			const page = await context.newPage();
			const pageErrors = [];
			page.on('pageerror', (e) => pageErrors.push(e.message));
			try {
				// 1. New workflow, node panel, search, add the action (n8n adds a Manual Trigger by itself).
				await step(page, p, 'open a new workflow', async () => {
					await page.goto('/workflow/new');
					await page.locator('[data-test-id="canvas-add-button"]').waitFor();
				});
				await step(page, p, 'search the node panel', async () => {
					await page.locator('[data-test-id="node-creator-plus-button"]').click();
					const search = page.locator('[data-test-id="node-creator"] [data-test-id="node-creator-search-bar"]');
					await search.fill(p.node);
					const item = page.locator('[data-test-id="node-creator"] [data-test-id="item-iterator-item"]').filter({
						has: page.locator('[data-test-id="node-creator-item-name"]').getByText(p.node, { exact: true }),
					});
					await item.first().click();
					// The node's page in the panel: its triggers and its three actions.
					const actions = page.locator('[data-test-id="node-creator"] [data-test-id="node-creator-category-item"]', { hasText: 'Actions' });
					await actions.waitFor();
					// n8n shows the trigger's description for the pair: it reads as the action node's first.
					await page.locator('[data-test-id="node-creator"]').getByText(`Read WhatsApp message history from ${p.node}`).first().waitFor();
					const conversation = page.locator('[data-test-id="node-creator"] [data-test-id="item-iterator-item"]', { hasText: 'Get the conversation with a contact' });
					if (!(await conversation.isVisible())) await actions.click();
					for (const action of ['Get the conversation with a contact', 'Get many messages', 'Get a message']) {
						await page.locator('[data-test-id="node-creator"] [data-test-id="item-iterator-item"]', { hasText: action }).waitFor();
					}
					await shot(page, p, 'node-panel');
					await conversation.click();
				});
				await step(page, p, 'node added with a Manual Trigger', async () => {
					await page.locator('[data-test-id="ndv"]').waitFor();
					await page.locator(`[data-test-id="canvas-node"][data-node-type="n8n-nodes-whatsapp-history.${p.type}"]`).waitFor({ state: 'attached' });
					await page.locator('[data-test-id="canvas-node"][data-node-type="n8n-nodes-base.manualTrigger"]').waitFor({ state: 'attached' });
					await param(page, 'operation').waitFor();
				});

				// 2. Each operation shows its own parameters.
				for (const op of OPERATIONS) {
					await step(page, p, `operation ${op.name}`, async () => {
						await pickOperation(page, op.name);
						for (const name of op.show(p)) await param(page, name).first().waitFor();
						const shown = await visibleParams(page);
						expect(shown).toEqual(expect.arrayContaining(['operation', ...op.show(p)]));
						for (const name of op.hide(p)) expect(shown).not.toContain(name);
					});
				}

				// 3. Credential created from the node: wrong key, then the right key, each tested by n8n.
				const dialog = page.locator('.el-dialog').filter({ has: page.locator('[data-test-id="credential-edit-dialog"]') });
				const config = dialog.locator('[data-test-id="node-credentials-config-container"]');
				const ok = config.locator('[data-test-id="credentials-config-container-test-success"]');
				const failed = config.getByText(/Couldn.t connect with these settings/);
				await step(page, p, 'create credential: wrong key', async () => {
					await page.locator('[data-test-id="node-credentials-select"]').click();
					await page.locator('[data-test-id="node-credentials-select-item-new"]').click();
					await dialog.waitFor();
					await expect(dialog.innerText()).resolves.toContain(p.cred);
					await dialog.locator('[data-test-id="parameter-input-apiKey"] input').fill(WRONG_KEY);
					await dialog.locator('[data-test-id="parameter-input-baseUrl"] input').fill(sim.url);
					await dialog.locator('[data-test-id="credential-save-button"]').click();
					await ok.or(failed).first().waitFor();
					expect(await ok.isVisible()).toBe(false);
					await config.getByText('More details').click();
					await config.getByText(p.error, { exact: true }).waitFor();
					expect(await config.innerText()).not.toContain(WRONG_KEY);
					await shot(page, p, 'credential-error');
				});
				await step(page, p, 'fix credential: right key', async () => {
					await dialog.locator('[data-test-id="parameter-input-apiKey"] input').fill(KEY);
					await dialog.locator('[data-test-id="credential-save-button"]').click();
					await ok.waitFor();
					await failed.waitFor({ state: 'hidden' });
					expect(await ok.innerText()).toContain('Connection tested successfully');
					await shot(page, p, 'credential-ok');
					await dialog.locator('.el-dialog__headerbtn').click();
					await dialog.waitFor({ state: 'hidden' });
					await page.locator('[data-test-id="ndv"]').waitFor();
					await page.waitForFunction(
						() => /account/.test(document.querySelector('[data-test-id="node-credentials-select"] input')?.value || ''),
						null,
						{ timeout: STEP_MS },
					);
				});

				// 4. The three operations with the README's "Try it" values, each executed from the node.
				const demo = seeded[p.sim];
				const [contact] = demo.contacts.map((c) => c.number);
				const output = page.locator('[data-test-id="output-panel"]');
				const fill = async (name, value) => {
					const input = param(page, name).locator('input').first();
					await input.fill(value);
					await input.blur();
				};
				/** Executes the node and waits for the output panel to show `count` items; returns the output as text. */
				const execute = async (count) => {
					sim.clearRequests();
					await page.locator('[data-test-id="node-execute-button"]').click();
					const counter = output.locator('[data-test-id="ndv-items-count"]');
					try {
						await output.locator('[data-test-id="node-run-status-success"]').waitFor({ timeout: 60000 });
						await page.waitForFunction(
							(want) => document.querySelector('[data-test-id="output-panel"] [data-test-id="ndv-items-count"]')?.textContent.trim() === want,
							count,
							{ timeout: 60000 },
						);
					} catch (err) {
						throw new Error(`no run with ${count} in the output panel: ${(await output.innerText().catch(() => '')).slice(0, 1500)}`);
					}
					await counter.waitFor();
					const json = output.locator('[data-test-id="radio-button-json"]');
					if (await json.isVisible()) await json.click();
					await page.waitForFunction(
						() => /"provider"/.test(document.querySelector('[data-test-id="output-panel"] [data-test-id="ndv-data-container"]')?.innerText || ''),
						null,
						{ timeout: STEP_MS },
					);
					const text = (await output.locator('[data-test-id="ndv-data-container"]').innerText()).replace(/\s+/g, ' ');
					expect(text).toContain(`"provider": "${p.provider}"`);
					expect(text).toMatch(/"timestamp": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/);
					// The run really went to the local server, with the right key, without errors.
					expect(sim.requests.length).toBeGreaterThan(0);
					expect(sim.requests.filter((r) => r.status >= 400)).toEqual([]);
					return text;
				};
				await step(page, p, 'Get Conversation with the Try-it values', async () => {
					await pickOperation(page, 'Get Conversation');
					if (p.sim !== 'chirp') await fill('businessNumber', demo.business);
					await fill('contactNumber', contact);
					await shot(page, p, 'parameters');
					const text = await execute('50 items');
					expect(text).toContain(`"contactNumber": "${contact}"`);
					expect(text).toContain(`"businessNumber": "${demo.business}"`);
					expect(text).toMatch(/"direction": "(inbound|outbound)"/);
					await shot(page, p, 'output');
				});
				await step(page, p, 'Get Message with the Try-it values', async () => {
					await pickOperation(page, 'Get Message');
					await fill('messageId', demo.messageId);
					if (p.sim === 'twochat') await fill('sessionKey', demo.sessionKey);
					if (p.sim === 'doubletick') await fill('contactNumber', contact);
					if (p.sim === 'doubletick' || p.sim === 'ninetyninedigital') await fill('businessNumber', demo.business);
					const text = await execute('1 item');
					expect(text).toContain(`"id": "${demo.messageId}"`);
					expect(text).toContain('Hi! Is order #1042 on its way?');
					await shot(page, p, 'get-message');
				});
				await step(page, p, 'Get Many with the Try-it values', async () => {
					await pickOperation(page, 'Get Many');
					if (p.sim !== 'chirp') await fill('businessNumber', demo.business);
					if (p.sim === 'doubletick') {
						// DoubleTick lists one contact at a time: Filters → Contact Number (the callout says so).
						await page.locator('[data-test-id="node-parameters"]').getByText('Filters → Contact Number', { exact: false }).first().waitFor();
						const params = page.locator('[data-test-id="node-parameters"]');
						await params.locator('input[placeholder="Add Filter"]').or(params.getByText('Add Filter', { exact: true })).first().click();
						await page.locator('.el-select-dropdown__item:visible, [role="option"]:visible, [role="menuitem"]:visible').filter({ hasText: /^\s*Contact Number\s*$/ }).first().click();
						await param(page, 'contactNumber').first().waitFor();
						await fill('contactNumber', contact);
					}
					await execute('50 items');
					await shot(page, p, 'get-many');
				});

				// 5. One bad input: a contact number without its country code stops the node before any request.
				await step(page, p, 'bad input: contact number without country code', async () => {
					await pickOperation(page, 'Get Conversation');
					await fill('contactNumber', '050-222-2222');
					sim.clearRequests();
					await page.locator('[data-test-id="node-execute-button"]').click();
					await output.getByText(/Invalid phone number in "Contact Number"/).first().waitFor({ timeout: 60000 });
					expect(sim.requests).toEqual([]);
					await shot(page, p, 'bad-input');
				});

				// 6. The provider's trigger, saved with a credential for the local server: "Fetch Test Event".
				await step(page, p, 'trigger: Fetch Test Event', async () => {
					const cred = await n8n.createCredential({ name: `${p.node} trigger (browser test)`, type: p.credType, data: { apiKey: KEY, baseUrl: sim.url } });
					const type = `n8n-nodes-whatsapp-history.${p.type}Trigger`;
					const parameters = { event: 'any', pollTimes: { item: [{ mode: 'everyMinute' }] } };
					if (p.sim !== 'chirp') parameters.businessNumber = demo.business;
					if (p.sim === 'doubletick') parameters.contactNumbers = contact;
					const wf = await n8n.createWorkflow({
						name: `${p.node} trigger (browser test)`,
						nodes: [{ id: 'b9f8f0a0-0000-4000-8000-000000000001', name: `${p.node} Trigger`, type, typeVersion: 1, position: [0, 0], parameters, credentials: { [p.credType]: { id: cred.id, name: cred.name } } }],
					});
					await page.goto(`/workflow/${wf.id}`);
					const node = page.locator(`[data-test-id="canvas-node"][data-node-type="${type}"]`);
					await node.waitFor();
					await node.dblclick();
					await page.locator('[data-test-id="ndv"]').waitFor();
					const button = page.locator('[data-test-id="node-execute-button"]');
					expect(await button.innerText()).toMatch(/Fetch Test Event/i);
					if (p.sim === 'twochat') await page.locator('[data-test-id="node-parameters"]').getByText('paid 2Chat call').first().waitFor();
					sim.clearRequests();
					await button.click();
					const panel = page.locator('[data-test-id="output-panel"]');
					try {
						await page.waitForFunction(
							() => document.querySelector('[data-test-id="output-panel"] [data-test-id="ndv-items-count"]')?.textContent.trim() === '1 item',
							null,
							{ timeout: 60000 },
						);
					} catch (err) {
						throw new Error(`no test event in the output panel: ${(await panel.innerText().catch(() => '')).slice(0, 1500)}`);
					}
					const json = panel.locator('[data-test-id="radio-button-json"]');
					if (await json.isVisible()) await json.click();
					await page.waitForFunction(
						() => /"provider"/.test(document.querySelector('[data-test-id="output-panel"] [data-test-id="ndv-data-container"]')?.innerText || ''),
						null,
						{ timeout: STEP_MS },
					);
					expect((await panel.locator('[data-test-id="ndv-data-container"]').innerText()).replace(/\s+/g, ' ')).toContain(`"provider": "${p.provider}"`);
					expect(sim.requests.filter((r) => r.status >= 400)).toEqual([]);
					await shot(page, p, 'trigger-test-event');
				});
				if (pageErrors.length) lap(`${p.node}: page errors (not failing the test): ${pageErrors.join(' | ').slice(0, 500)}`);
				expect(pageErrors.filter((m) => /whatsapp|doubletick|2chat|chirp|99digital/i.test(m))).toEqual([]);
			} finally {
				await page.close();
			}
		}, 180000);
	});
}
