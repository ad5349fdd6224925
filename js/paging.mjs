// Paging through a List operation, shared by client.paginate and waitForInstance.

/** The largest page DMS serves. */
export const PAGE_SIZE = 100;
/** A guard against a server that ignores PageIndex. */
export const MAX_PAGES = 100_000;

/** The entries of a page's list field (an empty list when the answer has none). */
export const entriesOf = (page, field) => (Array.isArray(page?.[field]) ? page[field] : []);

/** Whether page `pageIndex` (of `pageSize`) is the last: a short page, or `totalCount` reached. */
export function isLastPage(page, entries, pageIndex, pageSize) {
  const total = typeof page?.totalCount === 'number' ? page.totalCount : undefined;
  return entries.length < pageSize || (total !== undefined && pageIndex * pageSize >= total);
}
