// A 404 about a number names the number as the provider received it and suggests checking the country code.
const { startSimulator } = require('../simulators');
const { runNode } = require('../helpers/context');
const { providers, BUSINESS } = require('../helpers/providers');

const cases = [
	['twochat', '+1 555 010 2030', '+15550102030'],
	['doubletick', '+1 555 010 2030', '15550102030'],
	['ninetyninedigital', '+1 555 010 2030', '15550102030'],
];

describe.each(cases)('%s: unknown business number', (name, typed, sent) => {
	let sim;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: 'k' });
		sim.generate(5, { business: BUSINESS });
	});
	afterAll(async () => sim.close());

	test('the 404 names the number as sent and suggests the country code', async () => {
		const def = providers[name];
		const run = runNode({
			nodeClass: def.nodeClass,
			credentialType: def.credentialType,
			credentials: { apiKey: 'k', baseUrl: sim.url },
			parameters: { operation: 'getAll', businessNumber: typed, returnAll: false, limit: 5, filters: def.getAllFilters('+972502222222'), options: {} },
		});
		await expect(run).rejects.toMatchObject({ httpCode: '404' });
		const error = await run.catch((e) => e);
		expect(error.message).toContain(`Business Number ${sent}`);
		expect(error.message).toMatch(/country code/);
	});
});

test('other errors and 404s without numbers pass unchanged', () => {
	const { NodeApiError } = require('n8n-workflow');
	const { addNumberHint } = require('../../dist/nodes/shared/descriptions/hints');
	const node = { name: 'n', type: 't', typeVersion: 1, position: [0, 0], parameters: {}, id: '1' };
	const e401 = new NodeApiError(node, { message: 'x' }, { httpCode: '401', message: 'rejected' });
	expect(addNumberHint(e401, 'P', { 'Business Number': '1' }).message).toBe('rejected');
	const e404 = new NodeApiError(node, { message: 'x' }, { httpCode: '404', message: 'gone' });
	expect(addNumberHint(e404, 'P', { 'Contact Number': undefined }).message).toBe('gone');
});
