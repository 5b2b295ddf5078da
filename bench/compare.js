// Benchmark: our node at another commit against the working tree, interleaved in one run on one machine, so a change's
// cost is measured apart from the machine's drift (which moves both the same way). Builds <ref> in a temporary git
// worktree, then runs Get Many with Return All (budget lifted, as the benchmark before default settings did) in a real
// n8n against one local server, alternating the two builds run by run. Prints medians and their ratio; asserts
// nothing. Both builds run against the working tree's local servers.
//   node bench/compare.js --ref 0c0df00 [--provider twochat] [--latency 20] [--runs 5] [--messages 20000]
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { n8nBin, createUserFolder, removeUserFolder, importCli, executeWorkflowCli } = require('../test/e2e/harness');
const { startSimulator } = require('../test/simulators');
const { cliEnv } = require('./cli-env');

const option = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : fallback;
};
const REF = option('ref');
const PROVIDER = option('provider', 'twochat');
const LATENCY = Number(option('latency', 20));
const RUNS = Number(option('runs', 5));
const MESSAGES = Number(option('messages', 20000));
const PKG = path.resolve(__dirname, '..');
const BUSINESS = '+972501234567';
const KEY = 'bench-key';
const NODES = {
	twochat: ['twoChat', 'twoChatApi'],
	ninetyninedigital: ['ninetyNineDigital', 'ninetyNineDigitalApi'],
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sh = (cmd, cwd) => childProcess.execSync(cmd, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });

/** <ref> built in a temporary worktree that shares this checkout's node_modules. */
function buildRef(ref) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-compare-'));
	sh(`git worktree add --detach ${JSON.stringify(dir)} ${JSON.stringify(ref)}`, PKG);
	fs.symlinkSync(path.join(PKG, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
	sh('npx tsc -p tsconfig.json && npx gulp build:icons', dir);
	return dir;
}

function workflow(nodeName, credType) {
	return {
		id: 'benchCompare001', name: 'compare', active: false, settings: { executionOrder: 'v1' },
		connections: { Manual: { main: [[{ node: 'WhatsApp', type: 'main', index: 0 }]] } },
		nodes: [
			{ id: 'm', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'w', name: 'WhatsApp', type: `n8n-nodes-whatsapp-history.${nodeName}`, typeVersion: 1, position: [220, 0],
				parameters: { operation: 'getAll', businessNumber: BUSINESS, returnAll: true, options: { requestsPerMinute: 1000000 } },
				credentials: { [credType]: { id: 'benchCompareCr1', name: 'compare' } },
			},
		],
	};
}

(async () => {
	if (!REF || !NODES[PROVIDER]) throw new Error('usage: node bench/compare.js --ref <git ref> [--provider twochat|ninetyninedigital]');
	const [nodeName, credType] = NODES[PROVIDER];
	const bin = n8nBin();
	const other = buildRef(REF);
	const sim = await startSimulator(PROVIDER, { apiKey: KEY, latencyMs: LATENCY, rateLimit: { perMinute: 100000 } });
	const builds = [
		{ label: REF, dir: other, ms: [] },
		{ label: 'working tree', dir: PKG, ms: [] },
	];
	const { env, runEnv } = cliEnv();
	try {
		sim.generate(MESSAGES, { business: BUSINESS, start: Date.parse('2025-01-01T00:00:00Z'), stepMs: 60_000 });
		for (const build of builds) {
			build.folder = createUserFolder({ pkgDir: build.dir, prefix: 'wa-compare-' });
			await importCli(bin, build.folder, 'credentials', [{ id: 'benchCompareCr1', name: 'compare', type: credType, data: { apiKey: KEY, baseUrl: sim.url } }], env);
			await importCli(bin, build.folder, 'workflow', [workflow(nodeName, credType)], env);
		}
		console.log(`n8n at ${bin}; ${PROVIDER}, ${MESSAGES} messages, ${LATENCY} ms latency, ${RUNS} runs of each build, alternating`);
		for (let r = 0; r < RUNS; r++) {
			for (const build of builds) {
				const run = await executeWorkflowCli(bin, build.folder, 'benchCompare001', runEnv, { timeoutMs: 600000 });
				const rd = run.data.resultData;
				if (rd.error) throw new Error(`${build.label} failed: ${rd.error.message}`);
				const node = rd.runData.WhatsApp[0];
				if (node.data.main[0].length !== MESSAGES) throw new Error(`${build.label} returned ${node.data.main[0].length} items`);
				build.ms.push(node.executionTime);
				console.log(`  run ${r + 1}, ${build.label}: ${node.executionTime} ms`);
			}
		}
		const [a, b] = builds.map((x) => median(x.ms));
		for (const build of builds) console.log(`${build.label}: median ${median(build.ms)} ms (${[...build.ms].sort((x, y) => x - y).join(', ')})`);
		console.log(`working tree / ${REF}: ${(b / a).toFixed(3)}`);
	} finally {
		await sim.close();
		for (const build of builds) if (build.folder) removeUserFolder(build.folder);
		sh(`git worktree remove --force ${JSON.stringify(other)}`, PKG);
	}
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
