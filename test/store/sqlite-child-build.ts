// Turns the child script (and our modules it imports) into plain JS a real `node` process
// can run: Node 20 cannot run TypeScript. Each file is transpiled on its own (the project
// is isolatedModules), into a private folder per test file: no race with `npm run build`
// or another test file, and never a stale dist/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '../..');

export interface BuiltChild {
  /** Path of the transpiled test/store/sqlite-child.js. */
  readonly script: string;
  cleanup(): void;
}

export function buildChildScript(): BuiltChild {
  // Inside the project so that the output resolves better-sqlite3 from node_modules.
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(join(cache, 'tether-store-child-'));
  // Node stops looking for the package scope at node_modules: say again that this is ESM.
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
  const entry = join(root, 'test', 'store', 'sqlite-child.ts');
  const pending = [entry];
  const done = new Set<string>();
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
    for (const { fileName } of ts.preProcessFile(source).importedFiles) {
      if (fileName.startsWith('.')) pending.push(resolve(dirname(file), fileName).replace(/\.js$/, '.ts'));
    }
  }
  return {
    script: join(outDir, 'test', 'store', 'sqlite-child.js'),
    cleanup: () => rmSync(outDir, { recursive: true, force: true }),
  };
}
