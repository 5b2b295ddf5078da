// A small stand-in for n8n's IExecuteFunctions / IPollFunctions, for fast tests of the built nodes against the
// local provider servers. HTTP goes through axios (as n8n's helper does) and the credential's own `authenticate`
// function is applied, so what reaches the servers is what a real n8n would send. The end-to-end tests run the
// same nodes inside a real n8n; this is for the many small cases.
const axios = require('axios');
const { NodeApiError } = require('n8n-workflow');

/** The credential's own `authenticate` function, as n8n calls it (on a copy: it must not change the options). */
async function applyAuth(credentialType, options, credentials) {
	const Cred = loadCredential(credentialType);
	return await new Cred().authenticate(credentials, { ...options });
}

const credentialFiles = {
	doubleTickApi: 'DoubleTickApi',
	twoChatApi: 'TwoChatApi',
	chirpApi: 'ChirpApi',
	ninetyNineDigitalApi: 'NinetyNineDigitalApi',
};
function loadCredential(type) {
	const file = credentialFiles[type];
	return require(`../../dist/credentials/${file}.credentials.js`)[file];
}

/**
 * n8n's `helpers.httpRequest` as n8n-core's convertN8nRequestToAxios maps it (packages/core/src/execution-engine/
 * node-execution-context/utils/request-helper-functions.ts): `abortSignal` → axios `signal`,
 * `disableFollowRedirect` → `maxRedirects: 0` (otherwise axios's default of 21), `encoding` → `responseType`,
 * `timeout` as is (axios: the socket's idle time), and on a redirect n8n's `beforeRedirect` copies the
 * Authorization header back unless the redirect leaves the origin with `sendCredentialsOnCrossOriginRedirect:
 * false` (follow-redirects itself drops only Authorization and cookies on another host: other headers and a
 * 307/308 body go along).
 */
async function httpRequest(options) {
	const method = (options.method || 'GET').toUpperCase();
	const emptyBody = options.body === undefined || options.body === null || (typeof options.body === 'object' && !Buffer.isBuffer(options.body) && Object.keys(options.body).length === 0);
	const config = {
		url: options.url,
		method,
		params: options.qs,
		data: method === 'GET' || emptyBody ? undefined : options.body,
		headers: { 'User-Agent': 'n8n', ...(options.json ? { Accept: 'application/json' } : {}), ...(options.headers || {}) },
		timeout: options.timeout,
		responseType: options.encoding,
		signal: options.abortSignal,
		maxBodyLength: Infinity,
		maxContentLength: Infinity,
	};
	if (options.disableFollowRedirect === true) config.maxRedirects = 0;
	const sendOnCrossOrigin = options.sendCredentialsOnCrossOriginRedirect ?? true;
	config.beforeRedirect = (redirected) => {
		const from = new URL(options.url).origin;
		const to = new URL(redirected.href).origin;
		const auth = Object.entries(config.headers).find(([k]) => k === 'Authorization');
		if ((from === to || sendOnCrossOrigin) && auth) redirected.headers.Authorization = auth[1];
	};
	if (options.ignoreHttpStatusErrors) config.validateStatus = () => true;
	const res = await axios(config);
	if (options.returnFullResponse) return { body: res.data, headers: res.headers, statusCode: res.status, statusMessage: res.statusText };
	return res.data;
}

/** Default value of a parameter for the current operation, as n8n would fill it in. */
function defaultFor(description, name, parameters) {
	const candidates = description.properties.filter((p) => p.name === name);
	for (const p of candidates) {
		const show = (p.displayOptions && p.displayOptions.show) || {};
		const visible = Object.entries(show).every(([k, values]) => values.includes(parameters[k] ?? defaultFor(description, k, parameters)));
		if (visible) return p.default;
	}
	return undefined;
}

/**
 * makeContext({ nodeClass, parameters, credentials: { type, data }, items, continueOnFail, timezone, mode, staticData })
 * → { ctx, run(), requests } where run() executes the node (or polls a trigger) and returns its output.
 */
function makeContext({ nodeClass, parameters, credentialType, credentials, items, continueOnFail = false, timezone = 'UTC', mode = 'trigger', staticData = {}, paramsPerItem }) {
	const instance = new nodeClass();
	const description = instance.description;
	const node = { id: 'node-1', name: description.defaults.name, type: `n8n-nodes-whatsapp-history.${description.name}`, typeVersion: 1, parameters, position: [0, 0] };
	const credType = credentialType || description.credentials[0].name;
	const binaries = [];
	const logs = [];
	const counts = { credentialReads: 0 };
	// The execution's cancel signal: n8n puts it on every authenticated request in place of the node's own.
	const cancel = new AbortController();
	const ctx = {
		getNode: () => node,
		getInputData: () => items || [{ json: {} }],
		getNodeParameter(name, a, b) {
			// Action nodes: (name, itemIndex, fallback); triggers: (name, fallback).
			const [itemIndex, fallback] = instance.poll ? [0, a] : [a ?? 0, b];
			const params = (paramsPerItem && paramsPerItem[itemIndex]) || parameters;
			if (name in params) return params[name];
			const d = defaultFor(description, name, params);
			if (d !== undefined) return d;
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		},
		getCredentials: async (type) => {
			if (type !== credType) throw new Error(`unexpected credential type ${type}`);
			counts.credentialReads++;
			return { ...credentials };
		},
		getTimezone: () => timezone,
		continueOnFail: () => continueOnFail,
		getMode: () => mode,
		getWorkflowStaticData: () => staticData,
		getActivationMode: () => 'activate',
		getExecutionCancelSignal: () => cancel.signal,
		logger: { debug: (m) => logs.push(['debug', m]), info: (m) => logs.push(['info', m]), warn: (m) => logs.push(['warn', m]), error: (m) => logs.push(['error', m]) },
		helpers: {
			httpRequest,
			async httpRequestWithAuthentication(type, options) {
				try {
					// As n8n's httpRequestWithAuthentication: the node's own abortSignal is replaced by the execution's.
					const withSignal = { ...options, abortSignal: cancel.signal };
					return await httpRequest(await applyAuth(type, withSignal, credentials));
				} catch (error) {
					throw new NodeApiError(node, error);
				}
			},
			async prepareBinaryData(buffer, fileName, mimeType) {
				const b = { data: buffer.toString('base64'), mimeType, fileName, fileSize: String(buffer.length), bytes: buffer.length };
				binaries.push(b);
				return b;
			},
			returnJsonArray: (a) => a.map((json) => ({ json })),
		},
	};
	return {
		ctx,
		node,
		logs,
		binaries,
		staticData,
		counts,
		run: () => (instance.execute ? instance.execute.call(ctx) : instance.poll.call(ctx)),
	};
}

/** Runs a node once and returns the json of its first output. */
async function runNode(opts) {
	const { run } = makeContext(opts);
	const out = await run();
	return out ? out[0] : out;
}

module.exports = { makeContext, runNode, loadCredential, applyAuth };
