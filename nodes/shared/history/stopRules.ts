import type { PageStyle } from '../provider';

// The stop rules of the pagination engine: each decides alone that the history ends here.

/** The caller's limit is reached: nothing more is needed. */
export function limitReached(emitted: number, limit: number | undefined): boolean {
	return limit !== undefined && emitted >= limit;
}

/** An empty page is the end of the history. */
export function emptyPage(itemCount: number): boolean {
	return itemCount === 0;
}

/**
 * A page that holds no record not seen before: the provider repeats a page (it ignores the page number or the
 * cursor), so asking further would loop. Records without an id count as new unless the same record (same
 * content) was on an earlier page.
 */
export function nothingNew(fresh: number): boolean {
	return fresh === 0;
}

/**
 * The page reaches back past the requested start: older pages hold nothing in range. `oldestTimed` is the
 * page's oldest message time; messages without a usable time never end paging (null = none had a time).
 */
export function olderThanRange(oldestTimed: number | null, startMs: number | undefined): boolean {
	return startMs !== undefined && oldestTimed !== null && oldestTimed < startMs;
}

/** A page-numbered page with fewer items than a full page is the last one. */
export function shortPage(style: PageStyle, itemCount: number): boolean {
	return style.kind === 'pages' && itemCount < style.size;
}

/** A cursor page without a next cursor, or whose next cursor was already followed (a loop), is the last. */
export function cursorEnds(next: string | null | undefined, followed: ReadonlySet<string>): boolean {
	return !next || followed.has(next);
}

/**
 * After a page of a paging API (not date windows, which end with their list) has been taken: does the history
 * end here? Empty page, nothing new, older than the range, or a short page.
 */
export function pageEndsHistory(
	style: PageStyle,
	page: { itemCount: number; fresh: number; oldestTimed: number | null },
	startMs: number | undefined,
): boolean {
	return (
		emptyPage(page.itemCount) ||
		nothingNew(page.fresh) ||
		olderThanRange(page.oldestTimed, startMs) ||
		shortPage(style, page.itemCount)
	);
}
