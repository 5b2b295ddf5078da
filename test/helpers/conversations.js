// The conversations List Conversations is tested on: every provider's local server holds the same script of
// messages (times relative to "now"), each server writing its own documented shape. Who is who:
//   A  Dana Levi    wrote after our last reply (two unanswered messages), plus one outbound message without a time
//   Y  Yossi Cohen  wrote, we answered
//   M  (no name)    only outbound messages
//   N  (no name)    one inbound message, the newest activity of all
//   U  Uri Ben      one inbound message without a time
//   R  Rina Katz    wrote 65 minutes ago, we answered 20 minutes ago
//   O  Old Friend   one message ten days ago (outside the default 7-day window)
// Names are on the contact's inbound messages only (2Chat and Chirp carry them; DoubleTick and 99digital never do).
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const BUSINESS = '+972501234567';
const PEOPLE = {
	A: '+972502222222',
	Y: '+972503333333',
	M: '+972504444444',
	N: '+972505555555',
	U: '+972506666666',
	R: '+972508888888',
	O: '+972507777777',
};
const NAMES = { A: 'Dana Levi', Y: 'Yossi Cohen', U: 'Uri Ben', R: 'Rina Katz', O: 'Old Friend' };

/** [key, who, direction, how long ago, timed]; an untimed record still sits at its real time in the provider's list. */
const SCRIPT = [
	['a1', 'A', 'inbound', 5 * HOUR, true],
	['a2', 'A', 'outbound', 3 * HOUR, true],
	['a3', 'A', 'inbound', 2 * HOUR, true],
	['a4', 'A', 'inbound', 90 * MIN, true],
	['a5', 'A', 'outbound', 85 * MIN, false],
	['y1', 'Y', 'inbound', 4 * HOUR, true],
	['y2', 'Y', 'outbound', 60 * MIN, true],
	['m1', 'M', 'outbound', 6 * HOUR, true],
	['m2', 'M', 'outbound', 30 * MIN, true],
	['n1', 'N', 'inbound', 10 * MIN, true],
	['u1', 'U', 'inbound', 70 * MIN, false],
	['r1', 'R', 'inbound', 65 * MIN, true],
	['r2', 'R', 'outbound', 20 * MIN, true],
	['o1', 'O', 'inbound', 10 * DAY, true],
];

/**
 * Adds the script to a simulator. Returns { now, ids: key → id, at: key → ISO time (null when untimed), who: key → person, dir: key → direction, contacts }.
 * Times are whole seconds (99digital keeps only seconds).
 */
function seedConversations(sim, now = Math.floor(Date.now() / 1000) * 1000) {
	const ids = {};
	const at = {};
	const who = {};
	const dir = {};
	const raws = SCRIPT.map(([key, person, direction, ago, timed]) => {
		const inbound = direction === 'inbound';
		const raw = sim.makeMessage({
			business: BUSINESS,
			contact: PEOPLE[person],
			direction,
			timestamp: now - ago,
			text: `${key}: ${inbound ? 'question' : 'answer'}`,
			contactName: inbound ? (NAMES[person] ?? null) : null,
			senderName: inbound ? null : 'Avi',
			...(timed ? {} : { odd: { time: null } }),
		});
		ids[key] = sim.idOf(raw);
		at[key] = timed ? new Date(now - ago).toISOString() : null;
		who[key] = person;
		dir[key] = direction;
		return raw;
	});
	sim.add(raws);
	return { now, ids, at, who, dir, contacts: PEOPLE };
}

module.exports = { seedConversations, BUSINESS, PEOPLE, NAMES, SCRIPT, MIN, HOUR, DAY };
