// Runs n8n's verification scanner (@n8n/scan-community-package's analyzePackage) locally, on the source
// (SOURCE_FILE_PATTERNS) and on the unpacked `npm pack` tarball, and fails on any finding.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
let failed = false;

async function scan(label, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	if (result.passed) {
		console.log(`scan ${label}: 0 findings${result.message ? ` (${result.message})` : ''}`);
	} else {
		failed = true;
		console.log(`scan ${label}: FAILED ${result.message}\n${result.details ?? ''}`);
	}
}

await scan('source', root, SOURCE_FILE_PATTERNS);

const work = mkdtempSync(join(tmpdir(), 'wa-history-pack-'));
try {
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
	const [{ filename }] = JSON.parse(out.slice(out.indexOf('[')));
	execFileSync('tar', ['-xzf', join(work, filename), '-C', work]);
	await scan('tarball', join(work, 'package'), ['**/*.js', 'package.json']);
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
