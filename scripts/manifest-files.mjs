// The files package.json names, in one place for the build (its entry points) and the packed-package check (which
// must find each in the tarball).

/** Every file `exports`, `main`, `types` and `bin` name, relative to the package root (without `./`). */
export function manifestFiles(manifest) {
  const files = new Set();
  const collect = (value) => {
    if (typeof value === 'string') files.add(value.replace(/^\.\//, ''));
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect([manifest.exports, manifest.main, manifest.types, manifest.bin]);
  return [...files];
}
