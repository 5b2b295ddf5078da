#!/usr/bin/env node
'use strict';
// Process-group leader for every n8n process the e2e harness starts.
//
//   node supervise.js <ownerPid> <command> [args...]
//
// The harness spawns this script detached (new process group) with piped stdio; the script runs <command> as its
// child and relays its output, so n8n and its task runner all share this group. It exists so that no n8n process can
// outlive the test process that started it, even when that process is SIGKILLed (jest workers can be, and
// `process.on('exit')` does not fire inside jest's sandbox):
//   - SIGTERM/SIGINT/SIGHUP to this process are forwarded to the child (graceful n8n shutdown);
//   - every 500 ms it checks that <ownerPid> is alive; if not, it stops the child and, if E2E_CLEANUP_DIR is set,
//     removes that folder (the harness cannot clean up after a dead owner);
//   - when the child exits it SIGKILLs what is left of its group (orphaned task runners) and exits with the child's code.
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');

const [ownerArg, command, ...args] = process.argv.slice(2);
const ownerPid = Number(ownerArg);
if (!ownerPid || !command) {
  process.stderr.write('usage: supervise.js <ownerPid> <command> [args...]\n');
  process.exit(2);
}
const cleanupDir = process.env.E2E_CLEANUP_DIR;
delete process.env.E2E_CLEANUP_DIR;

// Output goes through this process rather than being inherited: when the owner dies, the pipe to it breaks, and an n8n
// writing into a broken pipe does not finish its graceful shutdown; here the output is then simply dropped.
const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
for (const [from, to] of [
  [child.stdout, process.stdout],
  [child.stderr, process.stderr],
]) {
  to.on('error', () => from.removeAllListeners('data').resume());
  from.on('data', (chunk) => to.write(chunk));
}
let ownerGone = false;

// Other live members of our process group (Linux /proc), e.g. a task runner whose n8n parent is gone.
function groupMembers() {
  const members = [];
  let entries = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return members;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === process.pid && state !== 'Z') members.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return members;
}

const killRestOfGroup = () => {
  for (const pid of groupMembers()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
};

child.on('error', (err) => {
  process.stderr.write(`supervise.js: cannot start ${command}: ${err.message}\n`);
  process.exit(127);
});
let exitCode = 0;
child.on('exit', (code, signal) => {
  exitCode = code ?? 128 + (os.constants.signals[signal] || 0);
  killRestOfGroup(); // a surviving task runner would keep the output pipes open
});
child.on('close', () => {
  if (ownerGone && cleanupDir) fs.rmSync(cleanupDir, { recursive: true, force: true });
  process.exit(exitCode); // stdout/stderr writes to pipes are synchronous on Linux: nothing is lost
});

for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(sig, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  });
}

const watch = setInterval(() => {
  try {
    process.kill(ownerPid, 0);
  } catch {
    ownerGone = true;
    clearInterval(watch);
    child.kill('SIGTERM');
    setTimeout(() => {
      killRestOfGroup();
      if (cleanupDir) fs.rmSync(cleanupDir, { recursive: true, force: true });
      process.exit(137);
    }, 10000).unref();
  }
}, 500);
watch.unref();
