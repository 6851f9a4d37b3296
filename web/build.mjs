// Builds the web console into dist/console: one bundled, minified script (Preact and the
// socket.io client inside it), the page and its stylesheet. No network: everything comes
// from node_modules, so the console works offline.
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';

const source = (name) => fileURLToPath(new URL(name, import.meta.url));
const out = fileURLToPath(new URL('../dist/console/', import.meta.url));

await mkdir(out, { recursive: true });
await build({
  entryPoints: [source('src/main.tsx')],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: `${out}app.js`,
  logLevel: 'warning',
});
await copyFile(source('index.html'), `${out}index.html`);
await copyFile(source('style.css'), `${out}style.css`);
