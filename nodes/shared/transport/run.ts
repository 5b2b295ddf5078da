import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { RequestBudget } from './budget';
import { DeadlineClock } from './deadline';
import { Redactor } from './redact';
import type { HostContext } from '../types';

/** The credential as one run uses it: read and decrypted once. */
export interface RunCredential {
	data: ICredentialDataDecryptedObject;
	/** The credential's base URL without a trailing slash. */
	baseUrl: string;
	/** scheme://host:port of the base URL: the only origin the credential's values are sent to. */
	origin: string | undefined;
	redactor: Redactor;
}

function originOf(url: string): string | undefined {
	try {
		return new URL(url).origin;
	} catch {
		return undefined;
	}
}

/**
 * Everything one node execution (or one trigger poll) shares across its input items and its parallel lanes:
 * the credential (read once), the request budget with its 429 pause, the tries' deadlines, and the provider's rate
 * discovery (done at most once). The per-item API clients all point at the same run.
 */
export class RunState {
	private credential?: Promise<RunCredential>;
	private loaded?: RunCredential;
	private discover?: () => Promise<number | undefined>;
	/** Secrets of the node's own besides the credential's (a webhook registration's): scrubbed from errors. */
	private readonly protectedSecrets: string[] = [];
	private secretRedactor = new Redactor([]);
	/** Every try's total deadline, on one clock for the run. */
	readonly deadlines = new DeadlineClock();

	constructor(
		readonly ctx: HostContext,
		readonly credentialType: string,
		readonly budget: RequestBudget = new RequestBudget(0),
	) {}

	/** The credential, read once per run even when the first requests start together. */
	async credentials(): Promise<RunCredential> {
		this.credential ??= this.ctx.getCredentials(this.credentialType).then((data) => {
			const baseUrl = String(data.baseUrl ?? '').replace(/\/+$/, '');
			this.loaded = { data, baseUrl, origin: originOf(baseUrl), redactor: Redactor.forCredentials(data) };
			return this.loaded;
		});
		return await this.credential;
	}

	/**
	 * Scrubs `secret` (a webhook registration's) from this run's errors, as the credential's values: a provider that
	 * echoes a callback URL (`?token=…`) or its headers puts it in an error body. Replies are left as they are: the
	 * node finds its registration by that URL.
	 */
	protect(secret: string): void {
		if (!secret || this.protectedSecrets.includes(secret)) return;
		this.protectedSecrets.push(secret);
		this.secretRedactor = new Redactor(this.protectedSecrets);
	}

	/** A text for an error or a log: the credential's values and the protected secrets scrubbed. */
	scrub(text: string): string {
		return this.secretRedactor.text(this.redactor.text(text));
	}

	/** Scrubs the credential's values from a provider text (nothing to scrub before the credential is read). */
	get redactor(): Redactor {
		return this.loaded?.redactor ?? new Redactor([]);
	}

	/** Sets how the account's real rate limit is read; it is read at most once per run. */
	setRateDiscovery(discover: () => Promise<number | undefined>): void {
		this.discover = discover;
	}

	/** Reads the account's real limit once, when the default budget is about to run out. */
	async discoverRateIfNeeded(): Promise<void> {
		const discover = this.discover;
		if (!discover || this.budget.remaining >= 2) return;
		this.discover = undefined;
		try {
			const perMinute = await discover();
			if (perMinute) this.budget.setRate(perMinute);
		} catch {
			// The default budget stays in force; the history read itself reports real failures.
		}
	}
}
