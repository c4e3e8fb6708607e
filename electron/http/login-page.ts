/** The page a used, expired or missing login link answers with: what happened and how to get a new link. */

/** Why there is no session. */
export type LoginProblem = 'used' | 'missing';

/** A small static page (no script: it is served under a CSP that allows none). */
export function loginPage(problem: LoginProblem): string {
  const why =
    problem === 'used'
      ? 'This login link was already used, or it has expired. Each link works once.'
      : 'This address needs a login link: it opens a session in this browser.';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchyard: log in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1d2126;background:#f7f7f5}
@media (prefers-color-scheme: dark){body{color:#e4e6e8;background:#17191c}code{background:#2a2d31}}
h1{font-size:1.3rem}code{background:#e8e8e4;padding:.1rem .3rem;border-radius:3px}
</style></head><body>
<h1>No Switchyard session</h1>
<p>${why}</p>
<p>To get a new link:</p>
<ul>
<li>in a terminal, in your project folder: <code>switchyard link</code> (or <code>switchyard link --viewer</code> for a read-only link);</li>
<li>or, in a dashboard that is already open, the <strong>Open in a browser</strong> buttons.</li>
</ul>
</body></html>
`;
}
