/**
 * Test helper: the Python interpreter that can `import h5py` (Debian python3-h5py installs it for
 * /usr/bin/python3, which a pyenv `python3` on PATH may shadow).
 * @module
 */

/** The system Python with h5py, or null if none is installed. */
export function pythonWithH5py(): string | null {
  for (const exe of ["/usr/bin/python3", "python3"]) {
    try {
      const r = new Deno.Command(exe, { args: ["-c", "import h5py"], stderr: "null" }).outputSync();
      if (r.success) return exe;
    } catch { /* not installed */ }
  }
  return null;
}
