// Media as n8n binary data: real bytes from the local servers, the key sent only to the credential's own host,
// a size cap, and failed downloads that mark the item instead of failing the run.
const http = require('http');
const { startSimulator } = require('../simulators');
const { makeContext } = require('../helpers/context');
const { providers, BUSINESS, CONTACTS } = require('../helpers/providers');

const KEY = 'media-secret-key-42';
const CONTACT = CONTACTS[0];

// A host that is not the provider's (like a presigned S3 link): records what it receives.
let foreign;
const seen = [];
const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(2000, 7)]);
beforeAll(async () => {
	foreign = http.createServer((req, res) => {
		seen.push({ url: req.url, headers: req.headers });
		if (req.url.startsWith('/missing')) {
			res.writeHead(404).end('gone');
			return;
		}
		res.writeHead(200, { 'content-type': 'audio/ogg', 'content-length': OGG.length }).end(OGG);
	});
	await new Promise((r) => foreign.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise((r) => foreign.close(r)));

function conversation(p, sim, options) {
	return makeContext({
		nodeClass: p.nodeClass,
		parameters: { operation: 'getConversation', businessNumber: BUSINESS, contactNumber: CONTACT, returnAll: true, options: { downloadMedia: true, ...options } },
		credentials: { apiKey: KEY, baseUrl: sim.url },
	});
}

describe.each(Object.keys(providers))('%s', (name) => {
	const p = providers[name];
	let sim;
	beforeAll(async () => {
		sim = await startSimulator(name, { apiKey: KEY });
	});
	afterAll(() => sim.close());
	beforeEach(() => {
		sim.reset();
		seen.length = 0;
	});
	const add = (fields) => {
		const raw = sim.makeMessage({ timestamp: Date.now() - 60_000 - sim.messages.length * 1000, direction: 'inbound', business: BUSINESS, contact: CONTACT, ...fields });
		sim.add(raw);
		return raw;
	};

	test('a voice note on a foreign host: real bytes, its MIME type, and no API key sent there', async () => {
		const url = `http://127.0.0.1:${foreign.address().port}/files/voice.ogg?X-Amz-Signature=abc`;
		add({ type: 'voice', mediaUrl: url, mimeType: 'audio/ogg', fileName: 'voice.ogg' });
		const [out] = await conversation(p, sim).run();
		expect(out).toHaveLength(1);
		const bin = out[0].binary.data;
		expect(bin.mimeType).toBe('audio/ogg');
		expect(bin.bytes).toBe(OGG.length);
		expect(Buffer.from(bin.data, 'base64').subarray(0, 4).toString()).toBe('OggS');
		expect(seen).toHaveLength(1);
		expect(JSON.stringify(seen[0].headers)).not.toContain(KEY);
		expect(seen[0].headers.authorization).toBeUndefined();
		expect(seen[0].headers['x-user-api-key']).toBeUndefined();
	});

	test('an image on the provider\'s own host: downloaded (with the key where the provider needs it)', async () => {
		add({ type: 'image', mediaUrl: `${sim.url}/media/image.png`, mimeType: 'image/png' });
		const [out] = await conversation(p, sim, { binaryPropertyName: 'photo' }).run();
		expect(out[0].binary.photo.mimeType).toBe('image/png');
		expect(out[0].binary.photo.bytes).toBe(sim.media.get('/media/image.png').body.length);
		expect(out[0].binary.photo.fileName).toMatch(/\.png$/);
		expect(out[0].json.media.error).toBeUndefined();
		expect(out[0].json.media.mimeType).toBe('image/png');
		expect(out[0].json.media.size).toBe(sim.media.get('/media/image.png').body.length);
	});

	test('too large or missing: media.error on that item, the run goes on', async () => {
		add({ type: 'voice', mediaUrl: `http://127.0.0.1:${foreign.address().port}/files/big.ogg`, mimeType: 'audio/ogg' });
		add({ type: 'image', mediaUrl: `http://127.0.0.1:${foreign.address().port}/missing.png`, mimeType: 'image/png' });
		add({ type: 'text', text: 'plain text' });
		const [out] = await conversation(p, sim, { maxMediaSize: 0.001 }).run();
		expect(out).toHaveLength(3);
		const errors = out.filter((o) => o.json.media).map((o) => o.json.media.error);
		expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/Max Media Size/), expect.stringMatching(/404/)]));
		expect(out.filter((o) => o.binary)).toHaveLength(0);
		expect(out.find((o) => o.json.type === 'text').json.text).toBe('plain text');
	});

	test('the trigger downloads media too', async () => {
		add({ type: 'text', text: 'before' });
		const staticData = {};
		const trigger = () =>
			makeContext({
				nodeClass: p.triggerClass,
				parameters: { businessNumber: BUSINESS, event: 'inbound', ...(name === 'doubletick' ? { contactNumbers: CONTACT } : {}), options: { downloadMedia: true } },
				credentials: { apiKey: KEY, baseUrl: sim.url },
				staticData,
			}).run();
		expect(await trigger()).toBeNull();
		sim.add(sim.makeMessage({ timestamp: Date.now() - 1000, direction: 'inbound', business: BUSINESS, contact: CONTACT, type: 'image', mediaUrl: `${sim.url}/media/image.png`, mimeType: 'image/png' }));
		const [items] = await trigger();
		expect(items).toHaveLength(1);
		expect(items[0].binary.data.mimeType).toBe('image/png');
	});
});
