// The environment of the benchmarks' `n8n execute` processes.
const crypto = require('crypto');
const path = require('path');

/**
 * `import` uses `env`; `execute` uses `runEnv`, which also lets n8n's output drain before the CLI exits (see
 * let-output-drain.js). No task runner: `n8n execute` otherwise boots one in a child process (about a second and a
 * half at ~90 % of a core) while the measured nodes run, on a 2-core machine. A running n8n server booted it long
 * before; no benchmark workflow has a Code node, so no runner is needed. Executions are not saved.
 */
function cliEnv() {
	const env = {
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'false',
		N8N_RUNNERS_MODE: 'external',
		N8N_RUNNERS_AUTH_TOKEN: crypto.randomBytes(16).toString('hex'),
	};
	return { env, runEnv: { ...env, NODE_OPTIONS: `--require ${path.join(__dirname, 'let-output-drain.js')}` } };
}

module.exports = { cliEnv };
