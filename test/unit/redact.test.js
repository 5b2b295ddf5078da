// The one unit that scrubs credential values from provider text (nodes/shared/transport/redact.ts).
const { Redactor } = require('../../dist/nodes/shared/transport/redact');

const KEY = 'sk_live/"AbC"\\123+&x';
const r = Redactor.forCredentials({ apiKey: KEY, baseUrl: 'https://api.example.com', secondSecret: 'other-secret', pin: '12', port: 4431 });

test('every string credential value of 4 characters or more is a secret, except the base URL', () => {
	expect(r.text(`a ${KEY} b other-secret c 4431 d`)).toBe('a [redacted] b [redacted] c 4431 d');
	expect(r.text('https://api.example.com and 12')).toBe('https://api.example.com and 12');
});

test('the URL-encoded and JSON-escaped forms are scrubbed too', () => {
	expect(r.text(`?key=${encodeURIComponent(KEY)}`)).toBe('?key=[redacted]');
	expect(r.text(JSON.stringify({ key: KEY }))).toBe('{"key":"[redacted]"}');
});

test('deep: strings and keys at any depth; clean parts are not copied', () => {
	const clean = { list: [1, 'x'] };
	const body = { clean, nested: [{ text: `my key ${KEY}` }], [KEY]: true };
	const out = r.deep(body);
	expect(out.nested[0].text).toBe('my key [redacted]');
	expect(out['[redacted]']).toBe(true);
	expect(JSON.stringify(out)).not.toContain('other-secret');
	expect(out.clean).toBe(clean);
	expect(r.deep(clean)).toBe(clean);
});

describe('mayContain: a page that cannot hold a secret skips the walk, and only then', () => {
	const escapedEveryChar = (s) => [...s].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join('');
	const cases = [
		['plain', JSON.stringify({ text: `x ${KEY} y` })],
		['\\u-escaped', `{"text":"x ${escapedEveryChar(KEY)} y"}`],
		['slash escaped', JSON.stringify({ text: KEY }).replace(/\//g, '\\/')],
		['url-encoded', `<a href="/?k=${encodeURIComponent(KEY)}">`],
	];
	test.each(cases)('%s: detected, and the parsed body is scrubbed', (_, text) => {
		expect(r.mayContain(text)).toBe(true);
		let parsed;
		try {
			parsed = JSON.parse(text);
		} catch {
			parsed = text;
		}
		expect(JSON.stringify(r.deep(parsed))).not.toContain('sk_live');
	});
	test('a clean page: nothing to walk', () => {
		expect(r.mayContain(JSON.stringify({ messages: [{ text: 'hello\nworld "quoted" a/b' }] }))).toBe(false);
	});
});
