// The run's deadline clock: one sleeping loop watches every try's total deadline. A deadline must fire on time
// (not a tick late), a try that ended must never fire, and an idle clock must stop (nothing left behind).
const { DeadlineClock, CLOCK_TICK_MS } = require('../../dist/nodes/shared/transport/deadline');

const settled = (promise, ms) =>
	Promise.race([promise.then(() => 'expired'), new Promise((resolve) => setTimeout(() => resolve('pending'), ms))]);

describe('DeadlineClock', () => {
	test('a deadline expires at its time, within a few ms', async () => {
		const clock = new DeadlineClock();
		const started = Date.now();
		const deadline = clock.start(250);
		await deadline.expired;
		const took = Date.now() - started;
		expect(took).toBeGreaterThanOrEqual(245);
		expect(took).toBeLessThan(250 + 60);
		expect(clock.size).toBe(0);
	});

	test('a try that ended never expires, and leaves nothing behind', async () => {
		const clock = new DeadlineClock();
		const deadline = clock.start(50);
		deadline.end();
		expect(clock.size).toBe(0);
		expect(await settled(deadline.expired, 200)).toBe('pending');
	});

	test('tries with different deadlines each expire at their own time, the ended one not at all', async () => {
		const clock = new DeadlineClock();
		const started = Date.now();
		const late = clock.start(400);
		const ended = clock.start(100);
		const early = clock.start(150);
		ended.end();
		await early.expired;
		expect(Date.now() - started).toBeLessThan(150 + 60);
		expect(await settled(late.expired, 10)).toBe('pending');
		await late.expired;
		expect(Date.now() - started).toBeGreaterThanOrEqual(395);
		expect(await settled(ended.expired, 50)).toBe('pending');
	});

	test('a shorter deadline started while the clock sleeps still expires on time', async () => {
		const clock = new DeadlineClock();
		const long = clock.start(10_000);
		await new Promise((resolve) => setTimeout(resolve, 20));
		const started = Date.now();
		const short = clock.start(30);
		await short.expired;
		// Within one tick: the clock never sleeps longer than CLOCK_TICK_MS.
		expect(Date.now() - started).toBeLessThan(30 + CLOCK_TICK_MS + 40);
		long.end();
	});

	test('an idle clock stops looping and starts again for the next try', async () => {
		const clock = new DeadlineClock();
		clock.start(20).end();
		await new Promise((resolve) => setTimeout(resolve, CLOCK_TICK_MS + 50));
		expect(clock.running).toBe(false);
		const again = clock.start(30);
		expect(clock.running).toBe(true);
		await again.expired;
		expect(clock.size).toBe(0);
	});
});

describe('a stall reads as a stall, whichever timer fires first', () => {
	const { stallAsDeadline, DeadlineError } = require('../../dist/nodes/shared/transport/body');
	const deadline = { at: 1_000, expired: new Promise(() => undefined), end: () => undefined };
	const timeout = Object.assign(new Error('timeout of 2000ms exceeded'), { code: 'ECONNABORTED' });
	const socketTimeout = Object.assign(new Error('socket timeout'), { code: 'ESOCKETTIMEDOUT' });
	const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

	test.each([
		['a socket timeout at the deadline', timeout, 1_000, true],
		['a socket timeout after the deadline', socketTimeout, 3_000, true],
		['a socket timeout before the deadline (the provider stopped sending)', timeout, 999, false],
		['a reset after the deadline is a reset', reset, 3_000, false],
	])('%s', (_, error, now, isDeadline) => {
		const out = stallAsDeadline(error, deadline, now);
		expect(out instanceof DeadlineError).toBe(isDeadline);
		if (!isDeadline) expect(out).toBe(error);
	});
});
