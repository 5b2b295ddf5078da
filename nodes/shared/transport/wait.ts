import * as workflow from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

type SleepWithAbort = (ms: number, signal?: AbortSignal) => Promise<void>;

/** How often the fallback looks at the signal: the most a cut-short wait overruns. */
const STEP_MS = 20;

class WaitAborted extends Error {
	constructor() {
		super('The wait was cut short');
	}
}

/** Sleeps in short steps, looking at the signal between them (for n8n versions without `sleepWithAbort`). */
async function steppedSleep(ms: number, signal?: AbortSignal): Promise<void> {
	const end = Date.now() + ms;
	for (;;) {
		if (signal?.aborted) throw new WaitAborted();
		const left = end - Date.now();
		if (left <= 0) return;
		await sleep(Math.min(left, STEP_MS));
	}
}

/**
 * Waits `ms`, or rejects as soon as `signal` aborts. n8n-workflow's own `sleepWithAbort` where the n8n running the
 * node has it (1.x to 2.3x); later versions dropped it from n8n-workflow, and there the wait is taken in short steps.
 */
export const abortableSleep: SleepWithAbort =
	(workflow as unknown as { sleepWithAbort?: SleepWithAbort }).sleepWithAbort ?? steppedSleep;

export { steppedSleep };
