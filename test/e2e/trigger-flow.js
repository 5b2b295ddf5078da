'use strict';
// Shared steps of the trigger suites: an active 2Chat Trigger workflow polling every 4 s, checked to have polled
// on activation and emitted nothing (activation records the newest message as its starting point).
const { pollingTriggerWorkflow } = require('./workflow');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function activateTwoChatTrigger(n8n, sim, { name, cred, business, event = 'inbound' }) {
  const created = await n8n.createWorkflow(
    pollingTriggerWorkflow({
      name,
      type: 'n8n-nodes-whatsapp-history.twoChatTrigger',
      // every 4 s: '0-59/4 * * * * *' where n8n allows it, fixed-second crons on lines that refuse sub-minute crons
      pollTimes: n8n.profile.pollEvery(4),
      parameters: { businessNumber: business, event },
      credentials: { twoChatApi: cred },
    }),
  );
  sim.clearRequests();
  await n8n.activate(created);
  if (!sim.requestsTo('/open/whatsapp/messages').length) throw new Error('activation did not poll');
  await sleep(5000);
  const executions = await n8n.executions(created.id);
  if (executions.length) throw new Error(`activation emitted ${executions.length} execution(s); it must emit none`);
  return created;
}

module.exports = { activateTwoChatTrigger };
