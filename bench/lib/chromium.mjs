/** The Chromium the browser scenarios drive, launched the same way everywhere. */

/** Debian's Chromium. */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/**
 * Chromium without its own omnibox-popup WebUI: in headless mode nobody sees it, and its renderer
 * evaluated some 350 ms of Chromium's own scripts during the show phase, on one of this machine's
 * two cores (found in the show phase's trace, a "WebUI Top Renderer" process; Puppeteer turns the
 * same two features off by default). Chromium takes only the last `--disable-features`, so
 * Playwright's own list is read off a first launch and extended, not replaced.
 */
export async function launchQuiet(chromium) {
  // The browser tells its command line only with --enable-automation, which Playwright no longer passes.
  const probe = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, '--enable-automation'] });
  const cdp = await probe.newBrowserCDPSession();
  const { arguments: argv } = await cdp.send('Browser.getBrowserCommandLine');
  const own = argv.find((a) => a.startsWith('--disable-features='));
  await probe.close();
  if (!own) throw new Error('Playwright launched Chromium without --disable-features: launchQuiet needs a look');
  const features = `${own},WebUIOmniboxPopup,WebUIOmniboxAimPopup`;
  return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, features], ignoreDefaultArgs: [own] });
}
