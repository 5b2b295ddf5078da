// The abortable wait: n8n-workflow's sleepWithAbort where the running n8n has it, else (n8n 2.40 and later dropped
// it) short steps that look at the signal. Both must end at the time asked, and end early when aborted.
const { abortableSleep, steppedSleep } = require('../../dist/nodes/shared/transport/wait');

describe.each([
	['abortableSleep', abortableSleep],
	['steppedSleep (n8n without sleepWithAbort)', steppedSleep],
])('%s', (_, wait) => {
	test('waits the time asked', async () => {
		const started = Date.now();
		await wait(120);
		expect(Date.now() - started).toBeGreaterThanOrEqual(115);
	});
	test('an abort ends the wait early, with a rejection', async () => {
		const controller = new AbortController();
		const started = Date.now();
		setTimeout(() => controller.abort(), 50);
		await expect(wait(5000, controller.signal)).rejects.toBeDefined();
		expect(Date.now() - started).toBeLessThan(500);
	});
	test('an already aborted signal rejects at once', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(wait(5000, controller.signal)).rejects.toBeDefined();
	});
});
