// `tether serve --config FILE`: one JSON object whose sections configure the hub's modules.
// An unknown section is refused rather than ignored, so a misspelt one is noticed.
import { readFileSync } from 'node:fs';
import { TetherError } from '../domain/errors.js';

export const configSections = ['deviceLink', 'plugins'] as const;
export type ConfigSection = (typeof configSections)[number];

export interface ConfigFile {
  /** The file as given: names it in error messages. */
  readonly name: string;
  readonly sections: Readonly<Partial<Record<ConfigSection, unknown>>>;
}

const isSection = (key: string): key is ConfigSection => (configSections as readonly string[]).includes(key);

export function readConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TetherError('invalid_configuration', `--config: cannot read ${file}: ${(error as Error).message}`, ['--config']);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TetherError('invalid_configuration', `${file}: not valid JSON: ${(error as Error).message}`, [file]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TetherError('invalid_configuration', `${file}: must hold one JSON object, e.g. {"deviceLink": {...}}`, [file]);
  }
  const sections: Partial<Record<ConfigSection, unknown>> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!isSection(key)) {
      throw new TetherError('invalid_configuration', `${file}: unknown section ${JSON.stringify(key)} (known: ${configSections.join(', ')})`, [
        `${file}:${key}`,
      ]);
    }
    sections[key] = value;
  }
  return { name: file, sections };
}
