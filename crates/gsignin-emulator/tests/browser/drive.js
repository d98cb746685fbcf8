// Drives Debian's Chromium (headless, through playwright-core) through the emulator's
// authorization page as a person would: pick the account, leave or uncheck scopes, click Allow
// or Cancel, and follow the redirect to wherever it goes.
//
//   node drive.js [--action allow|cancel] [--email EMAIL] [--uncheck SCOPE]...
//                 [--screenshot PATH] [--tamper-state] [--out FILE] [--detach] URL
//
// Prints (or writes to --out) one JSON line: {"url": final URL, "status": its HTTP status,
// "text": the page's text, "stray": [non-loopback hosts asked for]}. Every request to a host
// that is not this machine is aborted and makes the run fail. --detach returns at once and
// drives from a detached child, as a browser launcher does (for BROWSER=...).
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');

function parse(argv) {
  const opts = { action: 'allow', uncheck: [], detach: false, tamper: false };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--action') opts.action = argv[++i];
    else if (a === '--email') opts.email = argv[++i];
    else if (a === '--uncheck') opts.uncheck.push(argv[++i]);
    else if (a === '--screenshot') opts.screenshot = argv[++i];
    else if (a === '--out') opts.out = argv[++i];
    else if (a === '--detach') opts.detach = true;
    else if (a === '--tamper-state') opts.tamper = true;
    else rest.push(a);
  }
  opts.url = rest[rest.length - 1];
  return opts;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

async function main() {
  const opts = parse(process.argv.slice(2));
  if (!opts.url) throw new Error('no URL given');
  if (opts.detach) {
    const args = process.argv.slice(1).filter((a) => a !== '--detach');
    const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore' });
    child.unref();
    return;
  }
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const stray = [];
  let result;
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      if (!LOOPBACK.has(host)) {
        stray.push(host);
        return route.abort();
      }
      return route.continue();
    });
    const start = new URL(opts.url);
    let response = await page.goto(opts.url);
    for (let step = 0; step < 6; step++) {
      if (new URL(page.url()).origin !== start.origin) break;
      const allow = page.getByRole('button', { name: 'Allow' });
      if (await allow.count()) {
        for (const scope of opts.uncheck) {
          await page.locator(`input[type=checkbox][value="${scope}"]`).uncheck();
        }
        if (opts.tamper) {
          await page.locator('input[name=state]').first().evaluate((e) => { e.value = 'tampered'; });
        }
        if (opts.screenshot) await page.screenshot({ path: opts.screenshot, fullPage: true });
        const button = opts.action === 'cancel' ? 'Cancel' : 'Allow';
        [response] = await Promise.all([
          page.waitForNavigation(),
          page.getByRole('button', { name: button }).click(),
        ]);
        continue;
      }
      const account = opts.email
        ? page.getByRole('button', { name: `Continue as ${opts.email}` })
        : page.getByRole('button', { name: /^Continue as / }).first();
      if (await account.count()) {
        [response] = await Promise.all([page.waitForNavigation(), account.click()]);
        continue;
      }
      const typed = page.getByLabel('Use another account');
      if (opts.email && (await typed.count())) {
        await typed.fill(opts.email);
        [response] = await Promise.all([
          page.waitForNavigation(),
          page.getByRole('button', { name: 'Next' }).click(),
        ]);
        continue;
      }
      break;
    }
    result = {
      url: page.url(),
      status: response ? response.status() : null,
      text: (await page.locator('body').innerText().catch(() => '')).slice(0, 2000),
      stray,
    };
  } finally {
    await browser.close();
  }
  const line = JSON.stringify(result) + '\n';
  if (opts.out) fs.writeFileSync(opts.out, line);
  else process.stdout.write(line);
  if (stray.length) process.exit(3);
}

main().catch((e) => {
  const line = JSON.stringify({ error: String(e.stack || e) }) + '\n';
  const out = parse(process.argv.slice(2)).out;
  if (out) fs.writeFileSync(out, line);
  process.stderr.write(line);
  process.exit(1);
});
