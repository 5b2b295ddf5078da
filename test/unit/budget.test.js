// The run's gate (nodes/shared/transport/budget.ts): the rate budget, its re-timing when the real rate is known, and the
// pause a 429 asks for.
const { RequestBudget } = require('../../dist/nodes/shared/transport/budget');

const since = (t0) => Date.now() - t0;

test('requests waiting on the trial budget proceed promptly once the rate rises', async () => {
	const budget = new RequestBudget(30);
	for (let i = 0; i < 30; i++) await budget.take(); // the burst is spent: the next one is 2 s away
	const t0 = Date.now();
	const done = [];
	const waiting = [0, 1, 2, 3].map((i) => budget.take().then(() => done.push([i, since(t0)])));
	await new Promise((r) => setTimeout(r, 100));
	expect(done).toEqual([]);
	budget.setRate(6000); // the plan's limit, read from the provider
	await Promise.all(waiting);
	// At 6000 a minute a token comes every 10 ms: all four well before the 2 s the trial rate asked for.
	for (const [, at] of done) expect(at).toBeLessThan(800);
});

test('a request a fraction of a second from its token also gets the new rate', async () => {
	const budget = new RequestBudget(60); // one a second
	for (let i = 0; i < 60; i++) await budget.take();
	const t0 = Date.now();
	const next = budget.take();
	budget.setRate(6000);
	await next;
	expect(since(t0)).toBeLessThan(500);
});

test('a pause holds every new request until its time, with or without a rate budget', async () => {
	for (const rate of [0, 600]) {
		const budget = new RequestBudget(rate);
		const t0 = Date.now();
		budget.pauseUntil(t0 + 600);
		const at = await Promise.all([0, 1, 2, 3].map(() => budget.take().then(() => since(t0))));
		for (const t of at) expect(t).toBeGreaterThanOrEqual(590);
		for (const t of at) expect(t).toBeLessThan(1200);
	}
});

test('a pause set while requests wait for a token extends their wait', async () => {
	const budget = new RequestBudget(60); // 1 a second
	for (let i = 0; i < 60; i++) await budget.take();
	const t0 = Date.now();
	const next = budget.take().then(() => since(t0));
	budget.pauseUntil(t0 + 1500);
	expect(await next).toBeGreaterThanOrEqual(1490);
});
