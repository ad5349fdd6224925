// Loads `dms-taskflow` the way users do: from the scratch consumer project that
// scripts/pack-for-tests.mjs installs the `npm pack` tarball into, through the package's
// `exports` map (`require` -> dist/node.cjs, `import` -> dist/node.mjs).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

// A client given no credentials looks for them, the ECS metadata service at 100.100.100.200
// among the places; tests never reach a real address (scripts/test.sh sets the same).
process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED ??= 'true';

const consumerDir = fileURLToPath(new URL('../../.scratch/consumer/', import.meta.url));
const cjsLoader = `${consumerDir}load.cjs`;
const esmLoader = `${consumerDir}load.mjs`;
const installed = `${consumerDir}node_modules/dms-taskflow/package.json`;

/**
 * `{ cjs, esm, variants }`: the CommonJS exports object, the ES module namespace, and
 * `[['cjs', cjs], ['esm', esm]]` for table-driven tests. Throws a clear error when the
 * scratch consumer is missing.
 */
export async function loadPackage() {
  const missing = [cjsLoader, esmLoader, installed].filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `the packed package is not installed (missing ${missing.join(', ')}); ` +
        'run `node scripts/build.mjs --if-needed && node scripts/pack-for-tests.mjs` first',
    );
  }
  const cjs = createRequire(consumerDir)(cjsLoader);
  const esm = await import(pathToFileURL(esmLoader).href);
  return { cjs, esm, variants: [['cjs', cjs], ['esm', esm]] };
}

/** The directory of the installed package, for tests of what the tarball ships. */
export const installedPackageDir = fileURLToPath(new URL('../../.scratch/consumer/node_modules/dms-taskflow/', import.meta.url));
