// Reading a wasm module's binary format, as far as bench/size-breakdown.mjs needs to add up
// code by owner: its sections, the function names of its name section, LEB128 numbers, and
// the imported functions (which function indices count first).

/** A cursor over `bytes` from `at`: `u32()` reads a LEB128 number, `name()` a length-prefixed UTF-8 string. */
export function reader(bytes, at = 0) {
  const cursor = {
    at,
    u32() {
      let value = 0;
      let shift = 0;
      let byte;
      do {
        byte = bytes[cursor.at++];
        value += (byte & 0x7f) * 2 ** shift;
        shift += 7;
      } while (byte & 0x80);
      return value;
    },
    name() {
      const length = cursor.u32();
      const text = new TextDecoder().decode(bytes.subarray(cursor.at, cursor.at + length));
      cursor.at += length;
      return text;
    },
  };
  return cursor;
}

/** The module's sections in order: `{ id, name (custom sections only), body }`. */
export function sections(bytes) {
  const r = reader(bytes, 8); // after the magic number and version
  const out = [];
  while (r.at < bytes.length) {
    const id = bytes[r.at++];
    const size = r.u32();
    const end = r.at + size;
    const name = id === 0 ? r.name() : undefined;
    out.push({ id, name, body: bytes.subarray(r.at, end) });
    r.at = end;
  }
  return out;
}

/** Function index -> name, from the name section (empty if the module has none). */
export function functionNames(bytes) {
  const names = new Map();
  const section = sections(bytes).find((s) => s.id === 0 && s.name === 'name');
  if (!section) return names;
  const r = reader(section.body);
  while (r.at < section.body.length) {
    const kind = section.body[r.at++];
    const end = r.u32() + r.at;
    if (kind === 1) for (let count = r.u32(); count > 0; count--) names.set(r.u32(), r.name());
    r.at = end;
  }
  return names;
}

/** The parameter count of each imported function, in import order (its length: how many there are). */
export function importArities(bytes) {
  const all = sections(bytes);
  const parameterCounts = [];
  const types = all.find((s) => s.id === 1);
  if (types) {
    const r = reader(types.body);
    for (let count = r.u32(); count > 0; count--) {
      r.at++; // 0x60, a function type
      const parameters = r.u32();
      r.at += parameters;
      const results = r.u32();
      r.at += results;
      parameterCounts.push(parameters);
    }
  }
  const arities = [];
  const imports = all.find((s) => s.id === 2);
  if (imports) {
    const r = reader(imports.body);
    for (let count = r.u32(); count > 0; count--) {
      r.name();
      r.name();
      const kind = imports.body[r.at++];
      if (kind === 0) arities.push(parameterCounts[r.u32()]);
      else if (kind === 1 || kind === 2) {
        if (kind === 1) r.at++; // the table's element type
        const flags = imports.body[r.at++];
        r.u32();
        if (flags & 1) r.u32();
      } else if (kind === 3) r.at += 2; // a global: type and mutability
      else throw new Error(`wasm: import kind ${kind} is not read here`);
    }
  }
  return arities;
}
