/**
 * What one n8n process keeps per trigger registration between requests, bounded: the entry of `key` (created when
 * missing) becomes the most recently used; while there are more than `max` entries the least recently used go first,
 * never one that `inUse` says is still receiving (a request running or waiting, or one lately).
 */
export function lruEntry<T>(entries: Map<string, T>, key: string, create: () => T, max: number, inUse: (entry: T) => boolean): T {
	const entry = entries.get(key) ?? create();
	entries.delete(key);
	entries.set(key, entry);
	for (const [other, value] of entries) {
		if (entries.size <= max) break;
		if (other !== key && !inUse(value)) entries.delete(other);
	}
	return entry;
}
