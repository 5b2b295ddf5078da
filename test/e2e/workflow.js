'use strict';
// Small builders for e2e workflow JSON (accepted by REST POST /rest/workflows and by `n8n import:workflow`).
//
//   manualWorkflow({ name, node: { type, parameters, credentials, name?, typeVersion? } })
//     Manual Trigger -> node
//   webhookWorkflow({ name, path, method, node })
//   pollingTriggerWorkflow({ name, type, parameters, credentials, pollTimes })   one trigger node "New Message"
//     Webhook (responseMode lastNode, responseData allEntries) -> node; GET /webhook/<path> answers with the node's items
//
// `node` may also be `nodes: [...]` (chained in order). Credentials may be given as { credType: { id, name } } or as
// the object createCredential returned: { credType: created } (only id and name are kept).
const crypto = require('crypto');

const uuid = () => crypto.randomUUID();

function normalizeCredentials(credentials) {
  if (!credentials) return undefined;
  const out = {};
  for (const [type, c] of Object.entries(credentials)) out[type] = { id: String(c.id), name: c.name || type };
  return out;
}

function buildNode(spec, index, x) {
  const node = {
    id: spec.id || uuid(),
    name: spec.name || (index === 0 ? 'Node' : `Node ${index + 1}`),
    type: spec.type,
    typeVersion: spec.typeVersion ?? 1,
    position: spec.position || [x, 0],
    parameters: spec.parameters || {},
  };
  const credentials = normalizeCredentials(spec.credentials);
  if (credentials) node.credentials = credentials;
  for (const key of ['continueOnFail', 'onError', 'alwaysOutputData', 'retryOnFail', 'disabled', 'notes']) {
    if (spec[key] !== undefined) node[key] = spec[key];
  }
  return node;
}

function chain(trigger, specs, { name, id, settings } = {}) {
  if (!specs.length) throw new Error('workflow builder needs `node` or `nodes`');
  const nodes = [trigger, ...specs.map((s, i) => buildNode(s, i, 220 * (i + 1)))];
  const connections = {};
  for (let i = 0; i < nodes.length - 1; i++) {
    connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
  }
  const wf = { name: name || `e2e ${Date.now()}`, nodes, connections, active: false, settings: { executionOrder: 'v1', ...settings } };
  if (id) wf.id = id; // for `n8n import:workflow` (REST assigns its own)
  return wf;
}

const specsOf = ({ node, nodes }) => (nodes ? nodes : node ? [node] : []);

/** Manual Trigger ("Manual Trigger", typeVersion 1) -> node(s). opts: { name, id, node | nodes, triggerName, settings } */
function manualWorkflow(opts) {
  const trigger = {
    id: uuid(),
    name: opts.triggerName || 'Manual Trigger',
    type: 'n8n-nodes-base.manualTrigger',
    typeVersion: 1,
    position: [0, 0],
    parameters: {},
  };
  return chain(trigger, specsOf(opts), opts);
}

/**
 * Webhook (typeVersion 2) -> node(s). opts: { name, id, path, method = 'GET', node | nodes, responseMode = 'lastNode',
 * responseData = 'allEntries', triggerName = 'Webhook', webhookOptions, settings }
 */
function webhookWorkflow(opts) {
  const path = opts.path || `e2e-${uuid()}`;
  const trigger = {
    id: uuid(),
    name: opts.triggerName || 'Webhook',
    type: 'n8n-nodes-base.webhook',
    typeVersion: 2,
    position: [0, 0],
    webhookId: opts.webhookId || uuid(),
    parameters: {
      httpMethod: opts.method || 'GET',
      path,
      responseMode: opts.responseMode || 'lastNode',
      responseData: opts.responseData || 'allEntries',
      options: opts.webhookOptions || {},
    },
  };
  return chain(trigger, specsOf(opts), opts);
}

/**
 * One polling trigger node named `nodeName` (default "New Message"), nothing after it.
 * opts: { name, type, parameters, credentials, pollTimes, nodeName }
 */
function pollingTriggerWorkflow({ name, type, parameters = {}, credentials, pollTimes, nodeName = 'New Message' }) {
  const node = buildNode({ name: nodeName, type, parameters: { pollTimes, ...parameters }, credentials }, 0, 0);
  return { name: name || `trigger ${Date.now()}`, nodes: [node], connections: {}, active: false, settings: { executionOrder: 'v1' } };
}

module.exports = { manualWorkflow, webhookWorkflow, pollingTriggerWorkflow, uuid };
