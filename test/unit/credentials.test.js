// Each credential's `authenticate` puts the key where its provider documents it, keeps what the request already
// carries, and puts it nowhere else.
const { loadCredential } = require('../helpers/context');

const KEY = 'secret-key-123';
const authenticate = (type, options) => new (loadCredential(type))().authenticate({ apiKey: KEY, baseUrl: 'http://127.0.0.1:1' }, options);

test.each([
	['twoChatApi', 'X-User-API-Key', KEY],
	['doubleTickApi', 'Authorization', KEY],
	['chirpApi', 'Authorization', `Bearer ${KEY}`],
])('%s sends the key in the %s header and keeps the other headers', async (type, header, value) => {
	const out = await authenticate(type, { url: '/x', method: 'GET', headers: { Accept: 'application/json' }, qs: { page: 1 } });
	expect(out.headers).toEqual({ Accept: 'application/json', [header]: value });
	expect(out.qs).toEqual({ page: 1 });
	expect(JSON.stringify({ ...out, headers: undefined })).not.toContain(KEY);
});

test('99digital sends the key in the JSON body, next to the request fields', async () => {
	const out = await authenticate('ninetyNineDigitalApi', { url: '/whatsapp/v2/getHistory', method: 'POST', body: { from: '972501234567', page: 2 } });
	expect(out.body).toEqual({ from: '972501234567', page: 2, apiKey: KEY });
	expect(out.headers).toBeUndefined();
	expect(await authenticate('ninetyNineDigitalApi', { url: '/x', method: 'POST' })).toEqual({ url: '/x', method: 'POST', body: { apiKey: KEY } });
	// A JSON text body (e.g. from n8n's HTTP Request node with this credential) gets the key too.
	expect((await authenticate('ninetyNineDigitalApi', { url: '/x', method: 'POST', body: '{"page":1}' })).body).toEqual({ page: 1, apiKey: KEY });
});

test('99digital leaves bodies that cannot carry a JSON field as they are', async () => {
	for (const body of ['not json', Buffer.from('raw'), new URLSearchParams('a=1'), [1, 2]]) {
		const out = await authenticate('ninetyNineDigitalApi', { url: '/x', method: 'POST', body });
		expect(out.body).toBe(body);
	}
});

test('authenticate does not change the options it is given', async () => {
	for (const type of ['twoChatApi', 'doubleTickApi', 'chirpApi', 'ninetyNineDigitalApi']) {
		const options = { url: '/x', method: 'POST', headers: { A: '1' }, body: { b: 2 } };
		const copy = JSON.parse(JSON.stringify(options));
		await authenticate(type, options);
		expect(options).toEqual(copy);
	}
});
