// The example workflows in examples/ stay valid: each is imported into a real n8n with `n8n import:workflow`,
// read back through the REST API, and every node type it uses is one n8n knows (ours included).
const fs = require('fs');
const path = require('path');
const { startN8n, n8nBin, importCli } = require('./harness');

const PKG = path.resolve(__dirname, '../..');
const DIR = path.join(PKG, 'examples');
const examples = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));

let n8n;
let knownTypes;
beforeAll(async () => {
	n8n = await startN8n({ pkgDir: PKG, bin: n8nBin() });
	const res = await fetch(`${n8n.base}/types/nodes.json`, { headers: { cookie: n8n.cookie() } });
	knownTypes = new Set((await res.json()).map((t) => t.name));
}, 300000);
afterAll(async () => {
	if (n8n) await n8n.stop();
});

test('there are examples for history → sheets, new message → CRM, an AI agent with a tool, and an AI agent that answers on WhatsApp', () => {
	expect(examples.sort()).toEqual(['ai-agent-answers-whatsapp.json', 'ai-agent-reads-conversation.json', 'new-message-to-crm.json', 'scheduled-history-to-sheets.json']);
});

test.each(examples)('%s imports into n8n and uses only known node types', async (file) => {
	const wf = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
	const id = `ex${file.replace(/[^a-z]/gi, '').slice(0, 14)}`;
	await importCli(n8n.bin, n8n.userFolder, 'workflow', { ...wf, id });
	const stored = await n8n.workflow(id);
	expect(stored.name).toBe(wf.name);
	expect(stored.nodes.map((x) => x.name).sort()).toEqual(wf.nodes.map((x) => x.name).sort());
	for (const node of wf.nodes) expect([node.type, knownTypes.has(node.type)]).toEqual([node.type, true]);
	expect(wf.nodes.some((x) => x.type.startsWith('n8n-nodes-whatsapp-history.'))).toBe(true);
});
