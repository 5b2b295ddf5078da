// An AI Agent in a real n8n uses the Chirp node as a tool, with parameters from $fromAI. The language model is a
// local stand-in for an OpenAI-compatible API (127.0.0.1): its first answer asks for the tool with a contact
// number and a limit, its second repeats what the tool returned, so the test sees exactly what the agent got.
const http = require('http');
const path = require('path');
const { startN8n, n8nBin } = require('./harness');
const { startSimulator } = require('../simulators');
const { BUSINESS, seed } = require('../helpers/providers');

const PKG = path.resolve(__dirname, '../..');
const KEY = 'sk_admin_agent-test';

let n8n;
let sim;
let llm;
const llmCalls = [];

function completion(message) {
	return { id: `chatcmpl-${llmCalls.length}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: 'gpt-4o-mini', choices: [{ index: 0, message, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } };
}

/** What the stand-in model asks the tool for: a conversation read, or (List Conversations) who is waiting. */
function toolArguments(tool) {
	if (JSON.stringify(tool.parameters).includes('awaitingReply')) return { awaitingReply: true };
	return { contactNumber: '+972 50 222 2222', limit: 3, startDate: new Date(Date.now() - 30 * 86400000).toISOString().slice(0, 10) };
}

let seeded;
beforeAll(async () => {
	sim = await startSimulator('chirp', { apiKey: KEY });
	seeded = seed(sim, 'chirp', 40);
	llm = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			const request = JSON.parse(body || '{}');
			llmCalls.push(request);
			const toolResult = (request.messages || []).find((m) => m.role === 'tool');
			const answer = toolResult
				? completion({ role: 'assistant', content: `TOOL RESULT: ${typeof toolResult.content === 'string' ? toolResult.content : JSON.stringify(toolResult.content)}` })
				: completion({
						role: 'assistant',
						content: null,
						tool_calls: [{ id: 'call_1', type: 'function', function: { name: request.tools[0].function.name, arguments: JSON.stringify(toolArguments(request.tools[0].function)) } }],
					});
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
		});
	});
	await new Promise((r) => llm.listen(0, '127.0.0.1', r));
	n8n = await startN8n({ pkgDir: PKG, bin: n8nBin() });
}, 300000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	if (sim) await sim.close();
	if (llm) await new Promise((r) => llm.close(r));
});

test('AI Agent → Chirp tool with $fromAI parameters receives a transcript', async () => {
	const chirp = await n8n.createCredential({ name: 'chirp', type: 'chirpApi', data: { apiKey: KEY, baseUrl: sim.url } });
	const openai = await n8n.createCredential({ name: 'fake openai', type: 'openAiApi', data: { apiKey: 'sk-local-fake', url: `http://127.0.0.1:${llm.address().port}/v1` } });
	const wf = {
		name: 'agent reads whatsapp',
		nodes: [
			{ id: 'a0000000-0000-4000-8000-000000000001', name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'a0000000-0000-4000-8000-000000000002', name: 'AI Agent', type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 2, position: [220, 0],
				parameters: { promptType: 'define', text: 'What did the customer +972502222222 write recently?', options: {} },
			},
			{
				id: 'a0000000-0000-4000-8000-000000000003', name: 'OpenAI Chat Model', type: '@n8n/n8n-nodes-langchain.lmChatOpenAi', typeVersion: 1.2, position: [200, 200],
				parameters: { model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} },
				credentials: { openAiApi: { id: openai.id, name: openai.name } },
			},
			{
				id: 'a0000000-0000-4000-8000-000000000004', name: 'Read WhatsApp conversation', type: 'n8n-nodes-whatsapp-history.chirpTool', typeVersion: 1, position: [420, 200],
				parameters: {
					descriptionType: 'manual',
					toolDescription: 'Get the WhatsApp conversation with a customer, newest first',
					operation: 'getConversation',
					contactNumber: "={{ $fromAI('contactNumber', 'The customer phone number in international format', 'string') }}",
					returnAll: false,
					limit: "={{ $fromAI('limit', 'How many recent messages to read', 'number') }}",
					filters: { startDate: "={{ $fromAI('startDate', 'Only messages from this date on (ISO 8601)', 'string', '') }}" },
				},
				credentials: { chirpApi: { id: chirp.id, name: chirp.name } },
			},
		],
		connections: {
			'Manual Trigger': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			'Read WhatsApp conversation': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
	const { execution } = await n8n.runManual(wf);
	const error = n8n.nodeError(execution, 'AI Agent');
	expect(error).toBeUndefined();
	// The model was offered our tool, with the $fromAI parameters in its schema.
	const tool = llmCalls[0].tools[0].function;
	expect(JSON.stringify(tool.parameters)).toMatch(/contactNumber/);
	expect(JSON.stringify(tool.parameters)).toMatch(/limit/);
	expect(JSON.stringify(tool.parameters)).toMatch(/startDate/);
	// The tool ran against the provider with the model's arguments and returned normalized messages.
	const listCalls = sim.requestsTo('/v1/organization/whatsapp/messages');
	expect(listCalls.length).toBeGreaterThanOrEqual(1);
	const [toolRun] = n8n.nodeItems(execution, 'Read WhatsApp conversation', { outputIndex: 0 }).length
		? [n8n.nodeItems(execution, 'Read WhatsApp conversation')]
		: [execution.data.resultData.runData['Read WhatsApp conversation'][0].data.ai_tool[0]];
	// Called as a tool with no Output Format set, the node answers with one transcript (the newest 3, oldest first).
	const response = toolRun[0].json.response;
	const [transcript] = Array.isArray(response) ? response : [response];
	expect(transcript).toMatchObject({ provider: 'chirp', contactNumber: '+972502222222', messageCount: 3 });
	const lines = transcript.transcript.split('\n');
	expect(lines).toHaveLength(3);
	for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d (Contact 2222|Business|Test Agent): message \d+$/);
	expect(Date.parse(transcript.firstTimestamp)).toBeLessThan(Date.parse(transcript.lastTimestamp));
	const [answer] = n8n.nodeOutput(execution, 'AI Agent');
	expect(answer.output).toMatch(/TOOL RESULT/);
	expect(answer.output).toContain(lines[2]);
	expect(answer.output).toMatch(/"messageCount":\s*3/);
	expect(answer.output).toContain(BUSINESS);
});

test('AI Agent → Chirp List Conversations tool with Awaiting Reply from $fromAI: who has not been answered yet', async () => {
	const chirp = await n8n.createCredential({ name: 'chirp waiting', type: 'chirpApi', data: { apiKey: KEY, baseUrl: sim.url } });
	const openai = await n8n.createCredential({ name: 'fake openai waiting', type: 'openAiApi', data: { apiKey: 'sk-local-fake', url: `http://127.0.0.1:${llm.address().port}/v1` } });
	const first = llmCalls.length;
	const wf = {
		name: 'agent asks who is waiting',
		nodes: [
			{ id: 'b0000000-0000-4000-8000-000000000001', name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'b0000000-0000-4000-8000-000000000002', name: 'AI Agent', type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 2, position: [220, 0],
				parameters: { promptType: 'define', text: 'Which customers have we not answered yet?', options: {} },
			},
			{
				id: 'b0000000-0000-4000-8000-000000000003', name: 'OpenAI Chat Model', type: '@n8n/n8n-nodes-langchain.lmChatOpenAi', typeVersion: 1.2, position: [200, 200],
				parameters: { model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} },
				credentials: { openAiApi: { id: openai.id, name: openai.name } },
			},
			{
				id: 'b0000000-0000-4000-8000-000000000004', name: 'Who is waiting', type: 'n8n-nodes-whatsapp-history.chirpTool', typeVersion: 1, position: [420, 200],
				parameters: {
					descriptionType: 'manual',
					toolDescription: 'List the WhatsApp conversations of the last 7 days; with awaitingReply only the customers still waiting for our answer',
					operation: 'listConversations',
					returnAll: false,
					limit: 10,
					filters: { awaitingReply: "={{ $fromAI('awaitingReply', 'Only customers still waiting for a reply', 'boolean') }}" },
				},
				credentials: { chirpApi: { id: chirp.id, name: chirp.name } },
			},
		],
		connections: {
			'Manual Trigger': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			'Who is waiting': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
	const { execution } = await n8n.runManual(wf);
	expect(n8n.nodeError(execution, 'AI Agent')).toBeUndefined();
	expect(JSON.stringify(llmCalls[first].tools[0].function.parameters)).toMatch(/awaitingReply/);
	const toolRun = execution.data.resultData.runData['Who is waiting'][0].data.ai_tool[0];
	const response = toolRun[0].json.response;
	const conversations = Array.isArray(response) ? response : [response];
	// The seeded contacts whose newest message is inbound, newest first: conversation items, not a transcript.
	const contacts = [...new Set(seeded.map((s) => s.contact))];
	const expected = contacts.map((c) => seeded.find((s) => s.contact === c)).filter((s) => s.inbound);
	expect(expected.length).toBeGreaterThan(0);
	expect(conversations.map((c) => [c.contactNumber, c.awaitingReply, c.lastMessage.id])).toEqual(expected.map((s) => [s.contact, true, s.id]));
	expect(conversations[0]).toEqual(expect.objectContaining({ provider: 'chirp', awaitingSince: expect.any(String), lastDirection: 'inbound' }));
	const [answer] = n8n.nodeOutput(execution, 'AI Agent');
	expect(answer.output).toMatch(/TOOL RESULT/);
	for (const s of expected) expect(answer.output).toContain(s.contact);
});
