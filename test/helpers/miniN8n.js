// A stand-in for the parts of n8n an instant (webhook) trigger meets, for fast tests of the built nodes against the
// local provider servers and their delivery engine (test/simulators/webhooks.js):
// - activation: webhookMethods.default.checkExists, then create only when it says false (n8n's createWebhookIfNotExists),
//   with activation mode 'activate' or 'init' (every n8n start); deactivation: delete;
// - the webhook route: an HTTP server on 127.0.0.1 answering POST /webhook/<webhookId>/webhook (production) and
//   /webhook-test/<webhookId>/webhook (while listening for a test event) by calling the node's webhook() with a context
//   built from the request, then answering as n8n's webhook-helpers do: `noWebhookResponse` → the node answered itself;
//   no `workflowData` → 200 with `webhookResponse` (or n8n's default message) and no execution; `workflowData` → an
//   execution (recorded) and 200 {"message":"Workflow was started"};
// - static data: loaded from its stored JSON for every request and lifecycle call into n8n's own ObservableObject and
//   saved after it only when a value was assigned (`__dataChanged`), as n8n does with its database (so a race between
//   concurrent requests behaves as in n8n; `writes` counts the saves); not saved for manual (test) runs.
// HTTP goes through axios with the credential's own `authenticate`, as in helpers/context.js.
const http = require('http');
const crypto = require('crypto');
const axios = require('axios');
const { NodeApiError, ObservableObject } = require('n8n-workflow');
const { applyAuth } = require('./context');

async function httpRequest(options) {
	const method = (options.method || 'GET').toUpperCase();
	const res = await axios({
		url: options.url,
		method,
		params: options.qs,
		data: method === 'GET' ? undefined : options.body,
		headers: { 'User-Agent': 'n8n', ...(options.json ? { Accept: 'application/json' } : {}), ...(options.headers || {}) },
		timeout: options.timeout,
		responseType: options.encoding,
		validateStatus: options.ignoreHttpStatusErrors ? () => true : undefined,
	});
	if (options.returnFullResponse) return { body: res.data, headers: res.headers, statusCode: res.status, statusMessage: res.statusText };
	return res.data;
}

function defaultFor(description, name) {
	const p = description.properties.find((x) => x.name === name);
	return p ? p.default : undefined;
}

class MiniN8n {
	constructor({ nodeClass, parameters, credentials, workflowName = 'instant test' }) {
		this.node = new nodeClass();
		this.description = this.node.description;
		this.parameters = parameters;
		this.credentials = credentials;
		this.credentialType = this.description.credentials[0].name;
		this.nodeData = { id: 'node-1', name: this.description.defaults.name, type: `n8n-nodes-whatsapp-history.${this.description.name}`, typeVersion: 1, parameters, position: [0, 0], webhookId: crypto.randomUUID() };
		this.workflow = { id: 'wf-1', name: workflowName };
		this.stored = '{}'; // static data as the database holds it (JSON)
		this.writes = 0; // saves of the static data (n8n saves only when a value was assigned)
		this.testStatic = undefined;
		this.executions = [];
		this.responses = [];
		this.logs = [];
		this.binaries = [];
		this.active = false;
	}

	get staticData() {
		return JSON.parse(this.stored);
	}

	async start() {
		this.pending = new Set();
		this.server = http.createServer((req, res) => {
			const p = this.handle(req, res).finally(() => this.pending.delete(p));
			this.pending.add(p);
		});
		await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.base = `http://127.0.0.1:${this.server.address().port}`;
		return this;
	}

	async close() {
		if (this.server) {
			this.server.closeAllConnections();
			await new Promise((resolve) => this.server.close(resolve));
		}
	}

	url(mode) {
		return `${this.base}/${mode === 'manual' ? 'webhook-test' : 'webhook'}/${this.nodeData.webhookId}/webhook`;
	}

	context(mode, staticData, activation) {
		const self = this;
		const parameters = this.parameters;
		return {
			getNode: () => self.nodeData,
			getWorkflow: () => self.workflow,
			getMode: () => mode,
			getActivationMode: () => activation,
			getTimezone: () => 'UTC',
			getNodeParameter(name, fallback) {
				if (name in parameters) return parameters[name];
				const d = defaultFor(self.description, name);
				if (d !== undefined) return d;
				if (fallback !== undefined) return fallback;
				throw new Error(`Could not get parameter "${name}"`);
			},
			getWorkflowStaticData: () => staticData,
			getNodeWebhookUrl: () => self.url(mode),
			getWebhookName: () => 'default',
			getCredentials: async (type) => {
				if (type !== self.credentialType) throw new Error(`unexpected credential type ${type}`);
				return { ...self.credentials };
			},
			logger: ['debug', 'info', 'warn', 'error'].reduce((l, level) => ({ ...l, [level]: (m) => self.logs.push([level, m]) }), {}),
			helpers: {
				httpRequest,
				async httpRequestWithAuthentication(type, options) {
					try {
						return await httpRequest(await applyAuth(type, options, self.credentials));
					} catch (error) {
						throw new NodeApiError(self.nodeData, error);
					}
				},
				async prepareBinaryData(buffer, fileName, mimeType) {
					const b = { data: buffer.toString('base64'), mimeType, fileName, fileSize: String(buffer.length) };
					self.binaries.push(b);
					return b;
				},
				returnJsonArray: (a) => a.map((json) => ({ json })),
			},
		};
	}

	/** The workflow's static data as n8n loads it: observable, the node's part under it (getWorkflowStaticData('node')). */
	load() {
		const root = ObservableObject.create({ node: JSON.parse(this.stored) }, undefined, { ignoreEmptyOnFirstChild: true });
		return { root, node: root.node };
	}

	/** n8n's saveStaticData: written only when a value was assigned. */
	save(root) {
		if (root.__dataChanged !== true) return;
		this.stored = JSON.stringify(root.node);
		this.writes++;
	}

	/** Runs one lifecycle method with static data loaded from and saved to the "database". */
	async lifecycle(method, mode, activation) {
		const manual = mode === 'manual';
		const loaded = manual ? undefined : this.load();
		const staticData = manual ? this.testStatic : loaded.node;
		const ctx = this.context(manual ? 'manual' : 'trigger', staticData, activation);
		const result = await this.node.webhookMethods.default[method].call(ctx);
		if (!manual) this.save(loaded.root);
		return result;
	}

	/** n8n's createWebhookIfNotExists. activation: 'activate' (user) or 'init' (n8n start). */
	async activate(activation = 'activate') {
		if (!(await this.lifecycle('checkExists', 'trigger', activation))) await this.lifecycle('create', 'trigger', activation);
		this.active = true;
	}

	async deactivate() {
		await this.lifecycle('delete', 'trigger', 'update');
		this.active = false;
	}

	/** n8n stopping and starting again: the route is down meanwhile, then every active workflow's checkExists runs ('init'). */
	async restart(whileDown) {
		this.down = true;
		if (whileDown) await whileDown();
		this.down = false;
		if (this.active) await this.activate('init');
	}

	/** "Listen for test event": static data of the test run only (a copy, never saved). */
	async listen() {
		this.testStatic = JSON.parse(this.stored);
		this.listening = true;
		if (!(await this.lifecycle('checkExists', 'manual', 'manual'))) await this.lifecycle('create', 'manual', 'manual');
	}

	async stopListening() {
		await this.lifecycle('delete', 'manual', 'manual');
		this.listening = false;
		this.testStatic = undefined;
	}

	async handle(req, res) {
		const chunks = [];
		for await (const c of req) chunks.push(c);
		const u = new URL(req.url, this.base);
		const manual = u.pathname.startsWith('/webhook-test/');
		const known = u.pathname === new URL(this.url(manual ? 'manual' : 'trigger')).pathname;
		if (this.down || !known || (manual ? !this.listening : !this.active)) {
			res.writeHead(404, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: 'The requested webhook is not registered' }));
			return;
		}
		// A slow n8n (busy instance, slow network): the provider may give up waiting and retry meanwhile.
		if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
		let body = {};
		try {
			body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
		} catch {
			body = {};
		}
		const loaded = manual ? undefined : this.load();
		const staticData = manual ? this.testStatic : loaded.node;
		const ctx = this.context(manual ? 'manual' : 'webhook', staticData, undefined);
		let written = false;
		const response = {
			status(code) {
				this.code = code;
				return this;
			},
			json(value) {
				written = true;
				res.writeHead(this.code || 200, { 'content-type': 'application/json' });
				res.end(JSON.stringify(value));
				return this;
			},
		};
		Object.assign(ctx, {
			getBodyData: () => body,
			getHeaderData: () => ({ ...req.headers }),
			getQueryData: () => Object.fromEntries(u.searchParams),
			getRequestObject: () => req,
			getResponseObject: () => response,
		});
		const record = { at: Date.now(), path: u.pathname, manual };
		this.responses.push(record);
		try {
			const result = await this.node.webhook.call(ctx);
			if (!manual) this.save(loaded.root);
			record.result = Object.keys(result);
			if (result.workflowData) this.executions.push({ at: Date.now(), manual, items: result.workflowData[0].map((i) => i.json), binary: result.workflowData[0].map((i) => i.binary) });
			if (!written && !result.noWebhookResponse) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify(result.workflowData ? { message: 'Workflow was started' } : result.webhookResponse ?? { message: 'Webhook call received' }));
			} else if (!written) {
				res.end();
			}
		} catch (error) {
			record.error = error.message;
			if (!written) {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ message: 'Error in workflow' }));
			}
		}
	}

	/** Resolves when every request has been handled to the end (the node may answer before it is done). */
	async idle() {
		while (this.pending.size) await Promise.all([...this.pending]);
	}

	/** All emitted items, in execution order. */
	emitted() {
		return this.executions.flatMap((e) => e.items);
	}
}

module.exports = { MiniN8n };
