'use strict';
// Self-test of the e2e harness against the lab's plain-JS package (not against this repo's package, which may not
// build yet). `*.selftest.js` is outside jest's default testMatch, hence the inline config:
//   cd /work/main && npx jest --config '{"testMatch":["**/test/e2e/*.selftest.js"]}' --rootDir . \
//     test/e2e/harness.selftest.js --testTimeout 180000
// Env: N8N_BIN or N8N_VERSION (default 2.8.4), LAB_DIR (default /work/shared/research/lab), KEEP_N8N=1 keeps folders,
// E2E_SELFTEST_QUEUE=1 adds the queue-mode test (needs redis-server on PATH), E2E_PKG_MODE=copy copies the package.
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const {
  startN8n,
  n8nBin,
  runCli,
  importCli,
  executeWorkflowCli,
  createUserFolder,
  removeUserFolder,
  freePort,
  nodeOutput,
  nodeError,
} = require('./harness');
const { manualWorkflow, webhookWorkflow } = require('./workflow');

const LAB = process.env.LAB_DIR || '/work/shared/research/lab';
const API_KEY = 'secret-key';
const TOTAL = 20000; // fake-server default: message ids TOTAL..1, newest first, 100 per page

jest.setTimeout(300000);

const timings = {};
const time = async (label, fn) => {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings[label] = Date.now() - t0;
  }
};

let bin;
let pkgDir;
let tmp;
let fake;
let fakeBase;
let n8n;

async function startFakeServer() {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(LAB, 'fake-server.js')], {
    env: { ...process.env, PORT: String(port), API_KEY, LATENCY_MS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('fake server on')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`fake server exited ${code}: ${out}`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

const labNode = (credential, parameters = { operation: 'getPage', pageNumber: 1 }) => ({
  name: 'Lab Node',
  type: 'n8n-nodes-lab.labNode',
  parameters,
  credentials: { labApi: credential },
});

beforeAll(async () => {
  bin = await time('n8nBin', async () => n8nBin());
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-selftest-'));
  pkgDir = path.join(tmp, 'n8n-nodes-lab');
  fs.cpSync(path.join(LAB, 'n8n-nodes-lab'), pkgDir, { recursive: true });
  fs.chmodSync(pkgDir, 0o755);
  fake = await startFakeServer();
  fakeBase = fake.base;
  n8n = await time('startN8n', () => startN8n({ pkgDir, bin }));
  timings.startN8nReady = n8n.startupMs.ready;
});

afterAll(async () => {
  if (n8n) await time('stop', () => n8n.stop());
  if (fake) fake.child.kill('SIGTERM');
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`n8n ${n8n && n8n.version} timings (ms): ${JSON.stringify(timings, null, 1)}`);
});

test('server is up on 127.0.0.1 with the package loaded under its production type name', async () => {
  expect(n8n.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const types = await n8n.api('GET', '/types/nodes.json');
  expect(types.map((t) => t.name)).toContain('n8n-nodes-lab.labNode');
  // the cookie is not bound to a browser-id: a request with an arbitrary browser-id header is still accepted
  const me = await n8n.request('GET', '/rest/login', undefined, { 'browser-id': 'some-browser' });
  expect(me.status).toBe(200);
  expect(me.body.data.email).toBe(n8n.owner.email);
});

test('credential test via REST: good key OK, wrong key Error', async () => {
  const good = { baseUrl: fakeBase, apiKey: API_KEY };
  const bad = { baseUrl: fakeBase, apiKey: 'WRONG' };
  const goodCred = await n8n.createCredential({ name: 'lab good', type: 'labApi', data: good });
  const badCred = await n8n.createCredential({ name: 'lab bad', type: 'labApi', data: bad });
  expect(goodCred.id).toBeTruthy();

  const ok = await time('testCredential', () => n8n.testCredential({ ...goodCred, data: good }));
  expect(ok).toEqual({ status: 'OK', message: expect.any(String) });
  const err = await n8n.testCredential({ ...badCred, data: bad });
  expect(err.status).toBe('Error');
  // 2.8.4 / 1.123.50: "Authorization failed - please check your credentials"; 2.40.7: "Unauthorized"
  expect(err.message).toMatch(/Authorization failed|Unauthorized/i);
  // without `data` the stored data is tested
  expect((await n8n.testCredential(goodCred)).status).toBe('OK');
});

test('manual workflow via REST returns the node output items', async () => {
  const cred = await n8n.createCredential({ name: 'lab run', type: 'labApi', data: { baseUrl: fakeBase, apiKey: API_KEY } });
  const wf = manualWorkflow({ name: 'selftest manual', node: labNode(cred) });
  const { executionId, execution, workflow } = await time('runManual', () => n8n.runManual(wf));
  expect(executionId).toBeTruthy();
  expect(workflow.id).toBeTruthy();
  expect(execution.status).toBe('success');
  const items = n8n.nodeOutput(execution, 'Lab Node');
  expect(items).toHaveLength(100);
  expect(items[0]).toMatchObject({ id: TOTAL - 100, chat_id: expect.any(Number), text: expect.stringContaining('message number') });
  expect(n8n.nodeError(execution, 'Lab Node')).toBeUndefined();

  // a second run of the created workflow, then read executions back
  const again = await time('runManualWarm', () => n8n.runManual(workflow));
  expect(nodeOutput(again.execution, 'Lab Node')).toHaveLength(100);
  const list = await n8n.executions(workflow.id);
  expect(list.map((e) => String(e.id))).toEqual(expect.arrayContaining([String(executionId), String(again.executionId)]));
  const read = await n8n.execution(executionId);
  expect(nodeOutput(read, 'Lab Node')[99].id).toBe(TOTAL - 199);
});

test('a failing node is reported by nodeError', async () => {
  const cred = await n8n.createCredential({ name: 'lab wrong', type: 'labApi', data: { baseUrl: fakeBase, apiKey: 'WRONG' } });
  const { execution } = await n8n.runManual(manualWorkflow({ name: 'selftest failing', node: labNode(cred) }));
  expect(execution.status).toBe('error');
  const error = nodeError(execution, 'Lab Node');
  expect(error).toBeDefined();
  expect(error.message).toMatch(/Authorization failed/i);
  expect(nodeOutput(execution, 'Lab Node')).toEqual([]);
});

test('activated webhook workflow answers with the node items', async () => {
  const cred = await n8n.createCredential({ name: 'lab hook', type: 'labApi', data: { baseUrl: fakeBase, apiKey: API_KEY } });
  const wf = webhookWorkflow({
    name: 'selftest webhook',
    path: 'selftest-page',
    node: labNode(cred, { operation: 'getPage', pageNumber: '={{ $json.query.page ?? 0 }}' }),
  });
  const created = await n8n.createWorkflow(wf);
  await time('activate', () => n8n.activate(created));
  const res = await time('webhookFirst', () => n8n.webhook('selftest-page', { query: { page: 3 } }));
  expect(res.status).toBe(200);
  expect(res.body).toHaveLength(100);
  expect(res.body[0].id).toBe(TOTAL - 300);
  const warm = await time('webhookWarm', () => n8n.webhook('selftest-page', { query: { page: 0 } }));
  expect(warm.body[0].id).toBe(TOTAL);
  const list = await n8n.executions(created.id);
  expect(list.length).toBeGreaterThanOrEqual(2);
});

test('CLI: import credentials + workflows, then n8n execute --rawOutput', async () => {
  const userFolder = createUserFolder({ pkgDir });
  try {
    const good = { id: 'selftestCred0001', name: 'Lab cred', type: 'labApi', data: { baseUrl: fakeBase, apiKey: API_KEY } };
    const bad = { id: 'selftestCred0002', name: 'Lab cred bad', type: 'labApi', data: { baseUrl: fakeBase, apiKey: 'WRONG' } };
    await time('cliImportCredentials', () => importCli(bin, userFolder, 'credentials', [good, bad]));
    const workflows = [
      manualWorkflow({ id: 'selftestWf000001', name: 'selftest cli', node: labNode(good, { operation: 'getPage', pageNumber: 2 }) }),
      manualWorkflow({ id: 'selftestWf000002', name: 'selftest cli bad', node: labNode(bad) }),
    ];
    const wfFile = path.join(userFolder, 'workflows.json');
    fs.writeFileSync(wfFile, JSON.stringify(workflows));
    const imported = await time('cliImportWorkflow', () => runCli(bin, userFolder, ['import:workflow', `--input=${wfFile}`]));
    expect(imported.code).toBe(0);

    const run = await time('cliExecute', () => executeWorkflowCli(bin, userFolder, 'selftestWf000001'));
    expect(run.cli.code).toBe(0);
    expect(run.status).toBe('success');
    expect(run.mode).toBe('cli');
    const items = nodeOutput(run, 'Lab Node');
    expect(items).toHaveLength(100);
    expect(items[0].id).toBe(TOTAL - 200);

    // a failing workflow: non-zero exit code, the IRun is still parsed and the error is attached to the node
    const failed = await time('cliExecuteFailing', () => executeWorkflowCli(bin, userFolder, 'selftestWf000002'));
    expect(failed.cli.code).not.toBe(0);
    expect(failed.status).toBe('error');
    expect(nodeError(failed, 'Lab Node').message).toMatch(/Authorization failed/i);
  } finally {
    removeUserFolder(userFolder);
  }
});

// Queue mode (main + worker + redis-server from PATH) costs ~15 s more: opt in with E2E_SELFTEST_QUEUE=1.
(process.env.E2E_SELFTEST_QUEUE === '1' ? test : test.skip)('queue mode: manual run and webhook go through a worker', async () => {
  const q = await time('startN8nQueue', () => startN8n({ pkgDir, bin, queue: true }));
  try {
    const cred = await q.createCredential({ name: 'lab q', type: 'labApi', data: { baseUrl: fakeBase, apiKey: API_KEY } });
    const { execution } = await time('runManualQueue', () => q.runManual(manualWorkflow({ node: labNode(cred) })));
    expect(execution.status).toBe('success');
    expect(nodeOutput(execution, 'Lab Node')).toHaveLength(100);
    const created = await q.createWorkflow(webhookWorkflow({ path: 'selftest-queue', node: labNode(cred) }));
    await q.activate(created);
    const res = await time('webhookQueue', () => q.webhook('selftest-queue'));
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(100);
    expect(q.workerLog()).toMatch(/Worker finished execution/);
  } finally {
    await q.stop();
  }
});
