/**
 * Progress reporting on stderr: a line redrawn in place on a terminal, and a plain line every
 * `intervalMs` otherwise (SLURM logs are files, docs/campaign.md §5.3).
 * @module
 */

/** A progress display for one phase. */
export interface Progress {
  /** Report `done` of `total` units, with extra text (rates, yields). */
  update(done: number, extra?: string): void;
  /** Print the final state on its own line. */
  finish(extra?: string): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  label: string;
  total: number;
  /** Plain-line interval when stderr is not a terminal, ms (default 10 000). */
  intervalMs?: number;
  /** Force terminal mode on or off (default: `Deno.stderr.isTerminal()`). */
  isTerminal?: boolean;
  /** Monotonic clock, ms (default `performance.now`). */
  now?: () => number;
  /** Sink (default: synchronous write to stderr). */
  write?: (text: string) => void;
}

/** Create a progress display; nothing is printed until the first `update`. */
export function createProgress(options: ProgressOptions): Progress {
  const encoder = new TextEncoder();
  const write = options.write ?? ((s: string) => Deno.stderr.writeSync(encoder.encode(s)));
  const tty = options.isTerminal ?? Deno.stderr.isTerminal();
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 10_000;
  const start = now();
  let lastPrint = -Infinity;
  let lastLine = "";
  const render = (done: number, extra?: string) => {
    const total = Math.max(options.total, 1);
    const fraction = Math.min(1, done / total);
    const elapsed = (now() - start) / 1000;
    const bar = tty ? `[${"#".repeat(Math.round(fraction * 24)).padEnd(24, ".")}] ` : "";
    return `${options.label}: ${bar}${done}/${options.total} (${(fraction * 100).toFixed(1)}%), ` +
      `${formatDuration(elapsed)} elapsed${extra ? `, ${extra}` : ""}`;
  };
  return {
    update(done, extra) {
      const line = render(done, extra);
      if (tty) {
        write(`\r\x1b[2K${line}`);
      } else if (now() - lastPrint >= interval) {
        write(`${line}\n`);
        lastPrint = now();
      }
      lastLine = line;
    },
    finish(extra) {
      const line = extra === undefined && lastLine ? lastLine : render(options.total, extra);
      write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
  };
}

/** Seconds as "1h02m03s", "2m05s" or "4.2s". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.floor(seconds % 60), m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600);
  return h > 0
    ? `${h}h${String(m).padStart(2, "0")}m${String(s).padStart(2, "0")}s`
    : `${m}m${String(s).padStart(2, "0")}s`;
}
