// An exact JSON parser for the JSON-string parameters (Edges, DagIdList, Members, ...).
//
// JSON.parse turns 9007199254740993 into 9007199254740992, and Node 20 has no
// access to a number's source text. Ids inside those parameters must stay
// exact, so this parser returns every integer literal (no fraction, no
// exponent) as a BigInt; other numbers are Numbers. Otherwise it follows
// RFC 8259 strictly (no comments, no trailing commas, no leading zeros) and
// throws a SyntaxError naming the offset of the first error.

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const MAX_DEPTH = 64;

export function parseJsonExact(text) {
  if (typeof text !== 'string') throw new TypeError('parseJsonExact needs a string');
  let i = 0;
  const fail = (what) => {
    throw new SyntaxError(`${what} at offset ${i}`);
  };
  const skip = () => {
    while (i < text.length && WHITESPACE.has(text[i])) i++;
  };

  function string() {
    i++; // the opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const ch = text[i];
      if (ch === '"') {
        i++;
        return out;
      }
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if (next !== undefined && Object.hasOwn(ESCAPES, next)) {
          out += ESCAPES[next];
          i += 2;
        } else {
          fail('bad escape');
        }
      } else if (ch < ' ') {
        fail('control character in string');
      } else {
        out += ch;
        i++;
      }
    }
  }

  function number() {
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) fail('bad number');
    i += match[0].length;
    return match[1] === undefined && match[2] === undefined ? BigInt(match[0]) : Number(match[0]);
  }

  function literal(word, result) {
    if (text.startsWith(word, i)) {
      i += word.length;
      return result;
    }
    return fail('unexpected token');
  }

  function value(depth) {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    skip();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const object = Object.create(null);
      skip();
      if (text[i] === '}') {
        i++;
        return object;
      }
      for (;;) {
        skip();
        if (text[i] !== '"') fail('expected a member name');
        const name = string();
        skip();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        object[name] = value(depth + 1);
        skip();
        if (text[i] === ',') {
          i++;
        } else if (text[i] === '}') {
          i++;
          return object;
        } else {
          fail("expected ',' or '}'");
        }
      }
    }
    if (ch === '[') {
      i++;
      const array = [];
      skip();
      if (text[i] === ']') {
        i++;
        return array;
      }
      for (;;) {
        array.push(value(depth + 1));
        skip();
        if (text[i] === ',') {
          i++;
        } else if (text[i] === ']') {
          i++;
          return array;
        } else {
          fail("expected ',' or ']'");
        }
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true', true);
    if (ch === 'f') return literal('false', false);
    if (ch === 'n') return literal('null', null);
    if (ch === '-' || (ch >= '0' && ch <= '9')) return number();
    return fail(i >= text.length ? 'unexpected end' : 'unexpected token');
  }

  const result = value(0);
  skip();
  if (i < text.length) fail('unexpected text after the value');
  return result;
}

/** A plain object (as parseJsonExact returns them: null prototype), not an array. */
export function isJsonObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
