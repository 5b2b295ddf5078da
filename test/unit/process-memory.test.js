// The bound on what one n8n process keeps per trigger (nodes/shared/instant/processMemory.ts): least recently used
// first, never an entry still receiving, never the one just asked for.
const { lruEntry } = require('../../dist/nodes/shared/instant/processMemory');

const make = (busy = false) => () => ({ busy });
const inUse = (e) => e.busy;

test('creates a missing entry, returns the same one next time, and makes it the most recently used', () => {
	const m = new Map();
	const a = lruEntry(m, 'a', make(), 3, inUse);
	lruEntry(m, 'b', make(), 3, inUse);
	expect(lruEntry(m, 'a', make(), 3, inUse)).toBe(a);
	expect([...m.keys()]).toEqual(['b', 'a']);
});

test('over the bound the least recently used idle entries go first', () => {
	const m = new Map();
	for (const k of ['a', 'b', 'c']) lruEntry(m, k, make(), 3, inUse);
	lruEntry(m, 'a', make(), 3, inUse);
	lruEntry(m, 'd', make(), 3, inUse);
	expect([...m.keys()]).toEqual(['c', 'a', 'd']);
});

test('an entry still receiving is never dropped, even when that leaves the map over its bound', () => {
	const m = new Map();
	lruEntry(m, 'busy1', make(true), 2, inUse);
	lruEntry(m, 'busy2', make(true), 2, inUse);
	lruEntry(m, 'idle', make(), 2, inUse);
	// The new entry is the one just asked for: kept; the busy ones are kept too.
	expect([...m.keys()]).toEqual(['busy1', 'busy2', 'idle']);
	lruEntry(m, 'next', make(), 2, inUse);
	expect([...m.keys()]).toEqual(['busy1', 'busy2', 'next']);
	m.get('busy1').busy = false;
	lruEntry(m, 'last', make(), 2, inUse);
	expect([...m.keys()]).toEqual(['busy2', 'last']);
});
