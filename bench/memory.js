// Memory: reading 100 000 messages with Get All must not need much more than the output itself. The provider
// server runs in its own process; the node runs here (with the test context, axios underneath, as in n8n), and
// we compare the heap at its peak during the run with the heap the finished output occupies.
//   node --expose-gc bench/memory.js [--messages 100000] [--provider twochat]
const { spawn } = require('child_process');
const path = require('path');
const { makeContext } = require('../test/helpers/context');
const { providers, BUSINESS } = require('../test/helpers/providers');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : fallback;
};
const MESSAGES = Number(arg('messages', 100000));
const PROVIDER = arg('provider', 'twochat');
const gc = global.gc || (() => undefined);
const mb = (bytes) => (bytes / 1048576).toFixed(1);

(async () => {
	if (!global.gc) console.log('(run with node --expose-gc for exact figures)');
	const server = spawn(process.execPath, [path.join(__dirname, '../test/simulators/cli.js'), PROVIDER, '--key', 'mem', '--messages', String(MESSAGES), '--business', BUSINESS], { stdio: ['ignore', 'pipe', 'inherit'] });
	const { url } = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(JSON.parse(String(d)))));
	try {
		const p = providers[PROVIDER];
		gc();
		const before = process.memoryUsage().heapUsed;
		let peak = before;
		const sampler = setInterval(() => {
			peak = Math.max(peak, process.memoryUsage().heapUsed);
		}, 5);
		const ctx = makeContext({
			nodeClass: p.nodeClass,
			parameters: { operation: 'getAll', businessNumber: BUSINESS, returnAll: true, filters: p.getAllFilters(), options: { requestsPerMinute: 1e6 } },
			credentials: { apiKey: 'mem', baseUrl: url },
		});
		const started = Date.now();
		const [out] = await ctx.run();
		clearInterval(sampler);
		peak = Math.max(peak, process.memoryUsage().heapUsed);
		const ms = Date.now() - started;
		gc();
		const retained = process.memoryUsage().heapUsed - before;
		const json = Buffer.byteLength(JSON.stringify(out.map((o) => o.json)));
		console.log(`${PROVIDER}: ${out.length} messages in ${ms} ms`);
		console.log(`output: ${mb(retained)} MB on the heap (${mb(json)} MB as JSON)`);
		console.log(`peak heap growth during the run: ${mb(peak - before)} MB = ${((peak - before) / retained).toFixed(2)}× the output`);
	} finally {
		server.kill();
	}
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
