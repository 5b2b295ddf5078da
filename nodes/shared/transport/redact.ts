import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export const REDACTED = '[redacted]';

/** Credential fields that are not secret (the host the key is sent to). */
const PUBLIC_FIELDS = new Set(['baseUrl']);

/** Shortest credential value that is scrubbed: shorter values would blank out ordinary words and digits. */
const MIN_SECRET_LENGTH = 4;

/**
 * Scrubs credential values out of provider text. Providers and proxies echo requests back (an error body, an
 * HTML page, even a 2xx body can contain the key), so every text the node takes from a provider goes through
 * one of these before it reaches an error, an output item or a log. Each secret is matched as sent and in the
 * forms an echo commonly takes: URL-encoded and JSON-escaped.
 */
export class Redactor {
	private readonly needles: string[];
	private readonly slashes: boolean;

	constructor(secrets: string[]) {
		const forms = new Set<string>();
		let slashes = false;
		for (const secret of secrets) {
			if (secret.length < MIN_SECRET_LENGTH) continue;
			slashes ||= secret.includes('/');
			forms.add(secret);
			forms.add(encodeURIComponent(secret));
			forms.add(JSON.stringify(secret).slice(1, -1));
		}
		// Longest first, so a form that contains another is replaced whole.
		this.needles = [...forms].sort((a, b) => b.length - a.length);
		this.slashes = slashes;
	}

	/**
	 * Whether the JSON (or other) text of a reply may hold a secret once parsed. False is a proof: without `\u`
	 * escapes (and `\/` where a secret has a slash) every parsed string is the text's own characters, with only
	 * the escapes JSON.stringify writes, which are among the needles. Lets a clean page skip the deep walk.
	 */
	mayContain(text: string): boolean {
		if (this.needles.length === 0) return false;
		if (text.includes('\\u') || (this.slashes && text.includes('\\/'))) return true;
		return this.needles.some((needle) => text.includes(needle));
	}

	/** Every string credential value of length 4 or more, except the base URL, and the other secrets given (webhook secrets). */
	static forCredentials(credentials: ICredentialDataDecryptedObject | undefined, others: string[] = []): Redactor {
		const secrets: string[] = [...others];
		for (const [name, value] of Object.entries(credentials ?? {})) {
			if (PUBLIC_FIELDS.has(name)) continue;
			if (typeof value === 'string') secrets.push(value);
		}
		return new Redactor(secrets);
	}

	get empty(): boolean {
		return this.needles.length === 0;
	}

	text(value: string): string {
		let out = value;
		for (const needle of this.needles) {
			if (out.includes(needle)) out = out.split(needle).join(REDACTED);
		}
		return out;
	}

	/**
	 * A parsed body with every string (values and keys, at any depth) scrubbed. Objects and arrays are copied
	 * only where something was replaced; a clean body is returned as it is.
	 */
	deep<T>(value: T): T {
		if (this.empty) return value;
		return this.walk(value, 0) as T;
	}

	private walk(value: unknown, depth: number): unknown {
		if (typeof value === 'string') return this.text(value);
		if (!value || typeof value !== 'object' || depth > 100) return value;
		if (Array.isArray(value)) {
			let copy: unknown[] | undefined;
			for (let i = 0; i < value.length; i++) {
				const v = value[i] as unknown;
				const w = this.walk(v, depth + 1);
				if (w !== v) {
					copy ??= value.slice();
					copy[i] = w;
				}
			}
			return copy ?? value;
		}
		if (Buffer.isBuffer(value)) return value;
		let copy: Record<string, unknown> | undefined;
		const source = value as Record<string, unknown>;
		for (const key of Object.keys(source)) {
			const v = source[key];
			const w = this.walk(v, depth + 1);
			const k = this.text(key);
			if (w !== v || k !== key) {
				copy ??= { ...source };
				if (k !== key) delete copy[key];
				copy[k] = w;
			}
		}
		return copy ?? value;
	}
}
