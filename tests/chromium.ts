/**
 * Drive the system Chromium (/usr/bin/chromium, Debian package `chromium`) from tests and benches
 * with puppeteer-core over a pipe (no network port, no browser download). The profile lives in a
 * fresh directory under `profileParent` (default ./out), removed by `close()`.
 * @module
 */
import puppeteer, { type Browser } from "puppeteer-core";

/** Where the system Chromium is. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** A running headless Chromium and how to stop it. */
export interface Chromium {
  browser: Browser;
  close(): Promise<void>;
}

/** Launch headless Chromium in pipe mode with a throw-away profile. */
export async function launchChromium(profileParent = "out"): Promise<Chromium> {
  await Deno.mkdir(profileParent, { recursive: true });
  const profile = await Deno.makeTempDir({ dir: profileParent, prefix: "chromium_profile_" });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    pipe: true,
    headless: true,
    userDataDir: profile,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}
