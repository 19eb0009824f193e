/** What a run of the command reads and writes: the process's streams and environment, or a test's. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal: colour is for people at one, never for a pipe or a file. */
  isTTY: boolean;
  /** The fetch the client sends with; the global one unless given. */
  fetch?: (request: Request) => Promise<Response>;
}

export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
  };
}

export type Paint = (text: string) => string;

export interface Palette {
  green: Paint;
  yellow: Paint;
  red: Paint;
  dim: Paint;
  bold: Paint;
}

const ansi =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Paint = (text) => text;

/** Colours on a terminal unless NO_COLOR is set; plain text anywhere else. */
export function palette(io: Io): Palette {
  const on = io.isTTY && !io.env.NO_COLOR;
  if (!on) return { green: plain, yellow: plain, red: plain, dim: plain, bold: plain };
  return { green: ansi(32, 39), yellow: ansi(33, 39), red: ansi(31, 39), dim: ansi(2, 22), bold: ansi(1, 22) };
}
