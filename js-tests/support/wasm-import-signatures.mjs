// The signature of each function a wasm module imports, read from its type and import
// sections (Node 20 has no type reflection for WebAssembly.Module.imports()).

const VALUE_TYPES = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

/** `[{ module, name, signature }]` for the function imports, signature like `(externref, f64) -> externref`. */
export function functionImportSignatures(bytes) {
  let at = 8; // magic and version
  const byte = () => {
    if (at >= bytes.length) throw new Error('wasm ended inside a section');
    return bytes[at++];
  };
  const uleb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = byte();
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
  };
  const name = () => {
    const length = uleb();
    at += length;
    return new TextDecoder().decode(bytes.subarray(at - length, at));
  };
  const valueType = () => VALUE_TYPES[byte()] ?? 'unknown';
  const types = [];
  const imports = [];
  while (at < bytes.length) {
    const id = byte();
    const end = uleb() + at;
    if (id === 1) {
      for (let count = uleb(); count > 0; count--) {
        if (byte() !== 0x60) throw new Error('only function types are expected');
        const params = Array.from({ length: uleb() }, valueType);
        const results = Array.from({ length: uleb() }, valueType);
        types.push(`(${params.join(', ')}) -> ${results.join(', ') || '()'}`);
      }
    } else if (id === 2) {
      for (let count = uleb(); count > 0; count--) {
        const entry = { module: name(), name: name() };
        const kind = byte();
        if (kind === 0) imports.push({ ...entry, signature: types[uleb()] });
        else if (kind === 1) (byte(), byte() & 1 ? (uleb(), uleb()) : uleb()); // table: type, limits
        else if (kind === 2) byte() & 1 ? (uleb(), uleb()) : uleb(); // memory: limits
        else if (kind === 3) (byte(), byte()); // global: type, mutability
        else throw new Error(`unknown import kind ${kind}`);
      }
    }
    at = end;
  }
  return imports;
}
