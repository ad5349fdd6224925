/** What a value is, for "got ..." in the messages of errors raised in JS. */
export function describeValue(value) {
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
