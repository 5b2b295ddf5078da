// n8n's verification rules that are about the package itself: what npm would publish, the metadata, the
// codex files, icons and credential docs. (Lint and the scanner run as their own steps of `npm test`.)
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const pkg = require('../../package.json');

test('npm pack ships only dist/, index.js, README, LICENSE and package.json', () => {
	const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' });
	const files = JSON.parse(out.slice(out.indexOf('['))).flatMap((p) => p.files.map((f) => f.path));
	const unexpected = files.filter((f) => !/^(dist\/|index\.js$|README\.md$|LICENSE$|package\.json$)/.test(f));
	expect(unexpected).toEqual([]);
	expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'index.js']));
	expect(files.filter((f) => /test|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
});

test('metadata n8n verification asks for', () => {
	expect(pkg.name).toBe('n8n-nodes-whatsapp-history');
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.license).toBe('MIT');
	expect(pkg.author.email).toMatch(/@/);
	expect(pkg.homepage).toMatch(/^https:\/\//);
	expect(pkg.repository.url).toMatch(/^git\+https:\/\//);
	expect(pkg.dependencies || {}).toEqual({});
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	expect(pkg.overrides).toBeUndefined();
	for (const s of ['preinstall', 'install', 'postinstall', 'prepare', 'prepublish', 'prepublishOnly', 'prepack', 'postpack']) expect(pkg.scripts[s]).toBeUndefined();
	expect(pkg.n8n.strict).toBe(true);
});

test('every node has a codex file and light and dark SVG icons; every credential a documentationUrl, an icon and a test', () => {
	for (const file of pkg.n8n.nodes) {
		expect(fs.existsSync(path.join(root, file))).toBe(true);
		const codex = path.join(root, file.replace(/\.js$/, '.json'));
		expect(fs.existsSync(codex)).toBe(true);
		const NodeClass = Object.values(require(path.join(root, file)))[0];
		const { description } = new NodeClass();
		expect(JSON.parse(fs.readFileSync(codex, 'utf8')).node).toBe(`n8n-nodes-whatsapp-history.${description.name}`);
		for (const icon of [description.icon.light, description.icon.dark]) {
			const svg = path.resolve(path.dirname(path.join(root, file)), icon.replace(/^file:/, ''));
			expect(svg).toMatch(/\.svg$/);
			expect(fs.readFileSync(svg, 'utf8')).toMatch(/^<svg /);
		}
		if (description.polling || description.webhooks) expect(description.usableAsTool).toBeUndefined();
		else expect(description.usableAsTool).toBe(true);
	}
	for (const file of pkg.n8n.credentials) {
		const Cred = Object.values(require(path.join(root, file)))[0];
		const c = new Cred();
		expect(c.documentationUrl).toMatch(/^https:\/\//);
		expect(c.test.request).toBeDefined();
		for (const icon of [c.icon.light, c.icon.dark]) expect(fs.existsSync(path.resolve(path.dirname(path.join(root, file)), icon.replace(/^file:/, '')))).toBe(true);
		expect(c.properties.find((p) => p.name === 'apiKey').typeOptions.password).toBe(true);
		expect(c.properties.find((p) => p.name === 'baseUrl').default).toMatch(/^https:\/\/[^/]+$/);
	}
});

test('the publish workflow uses npm provenance from a tag; CI runs the README test command', () => {
	const publish = fs.readFileSync(path.join(root, '.github/workflows/publish.yml'), 'utf8');
	expect(publish).toMatch(/tags:/);
	expect(publish).toMatch(/--provenance/);
	expect(publish).toMatch(/id-token: write/);
	expect(fs.readFileSync(path.join(root, '.github/workflows/ci.yml'), 'utf8')).toMatch(/npm test/);
});
