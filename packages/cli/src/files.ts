import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { parse } from "yaml";
import { CliError } from "./failure.js";

/** A pipeline file as read: its path, and its document as written (checked by the API, not here). */
export interface PipelineFile {
  path: string;
  spec: Record<string, unknown>;
}

const EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/** The pipeline files a path names: the file itself, or the .yaml, .yml and .json files of a folder (not its subfolders), by name. */
async function filesOf(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => {
    throw new CliError(`${path}: no such file or folder`);
  });
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && EXTENSIONS.has(extname(entry.name).toLowerCase()))
    .map((entry) => join(path, entry.name))
    .sort();
}

async function readOne(path: string): Promise<PipelineFile> {
  const text = await readFile(path, "utf8");
  let spec: unknown;
  try {
    // JSON is YAML too, but a .json file is read as JSON so its errors read as JSON's.
    spec = extname(path).toLowerCase() === ".json" ? JSON.parse(text) : parse(text);
  } catch (error) {
    throw new CliError(`${path}: not valid ${extname(path).slice(1).toUpperCase()}: ${error instanceof Error ? error.message : error}`);
  }
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new CliError(`${path}: a pipeline file holds one object, {name, configuration?, stages}`);
  }
  return { path, spec: spec as Record<string, unknown> };
}

/** Every pipeline file under the paths, each read once. */
export async function readPipelineFiles(paths: string[]): Promise<PipelineFile[]> {
  const all = new Set<string>();
  for (const path of paths) for (const file of await filesOf(path)) all.add(file);
  return Promise.all([...all].map(readOne));
}

/**
 * A pipeline name as a file name: what file systems refuse or treat specially (separators,
 * control and reserved characters, a leading dot) becomes `_`, and a name that another already
 * took, ignoring case as some file systems do, gets `-2`, `-3`...
 */
export function safeFileNames(names: string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
    const base = name.replace(/[\u0000-\u001f\u007f<>:"/\\|?*\s]/g, "_").replace(/^\./, "_");
    let candidate = base;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${base}-${n}`;
    taken.add(candidate.toLowerCase());
    return `${candidate}.yaml`;
  });
}

export async function writeFiles(folder: string, files: { name: string; text: string }[]): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (const file of files) await writeFile(join(folder, file.name), file.text);
}
