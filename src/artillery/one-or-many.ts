/**
 * A list that what the engine keeps per virtual user holds (a user's sockets, a socket's unread messages): the first
 * item alone, an array from the second on. Virtual users are many and most such lists hold one item, for which an
 * array is 56 bytes more. Items are objects, so an item is never taken for the array.
 */
export type OneOrMany<T extends object> = T | T[] | undefined;

/** The list with `item` added at its end (an array already there grows in place). */
export function appended<T extends object>(list: OneOrMany<T>, item: T): T | T[] {
  if (list === undefined) return item;
  if (!Array.isArray(list)) return [list, item];
  list.push(item);
  return list;
}

/** The items, oldest first: the list's own array, or a new one for a single item. */
export function itemsOf<T extends object>(list: OneOrMany<T>): readonly T[] {
  return list === undefined ? [] : Array.isArray(list) ? list : [list];
}

/** How many items the list holds. */
export function countOf(list: OneOrMany<object>): number {
  return list === undefined ? 0 : Array.isArray(list) ? list.length : 1;
}
