// Preloaded into the benchmark's `n8n execute` processes (NODE_OPTIONS=--require) by bench/conversations.js: the
// process's peak RSS while the workflow runs, written to $BENCH_PEAK_FILE.<pid> at exit (every Node process that
// inherits NODE_OPTIONS writes one, the harness's supervisor too; the bench reads n8n's). Sampling stops when n8n starts
// printing the run (`--rawOutput`: a line that is exactly "{"), so turning the whole run data into JSON for the
// terminal — a cost of the CLI, not of the workflow — is not counted.
const fs = require('fs');

const file = process.env.BENCH_PEAK_FILE;
if (file) {
	let peak = process.memoryUsage.rss();
	let sampling = true;
	const sample = () => {
		if (sampling) peak = Math.max(peak, process.memoryUsage.rss());
	};
	setInterval(sample, 10).unref();
	const write = process.stdout.write.bind(process.stdout);
	process.stdout.write = (chunk, ...rest) => {
		if (sampling && /(^|\n)\{\n/.test(String(chunk))) {
			sample();
			sampling = false;
		}
		return write(chunk, ...rest);
	};
	process.on('exit', () => fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify({ argv: process.argv.slice(1), peakBytes: peak })));
}
