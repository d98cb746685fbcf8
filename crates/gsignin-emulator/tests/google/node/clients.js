// Google's own Node client libraries against the gsignin emulator, unchanged but for the
// endpoint overrides each library offers. Run by tests/it/google_clients.rs with:
//
//   EMU          the emulator's base URL (its authorization page set to auto-approve)
//   CLIENT_ID, CLIENT_SECRET      its web client
//   DESKTOP_ID, DESKTOP_SECRET    its Desktop client
//   MOBILE_CODE  a serverAuthCode minted as a mobile sign-in would (redirect_uri "")
//   WEB_CODE     a code minted as a web (Google Identity Services) sign-in would ("postmessage")
//
// Any connection to a host that is not this machine fails the run: nothing may reach Google.
// Prints one JSON line per check; exits non-zero on the first failure.
'use strict';

const net = require('node:net');
const tls = require('node:tls');
const dns = require('node:dns');

// Refuse every non-loopback connection and name lookup before any library is loaded.
const stray = [];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
function guard(host) {
  if (host !== undefined && !LOOPBACK.has(String(host))) {
    stray.push(String(host));
    throw new Error(`test guard: refusing a connection to non-loopback host ${host}`);
  }
}
function hostOf(args) {
  const a = args[0];
  if (a && typeof a === 'object') return a.host ?? a.hostname ?? 'localhost';
  if (typeof args[1] === 'string') return args[1];
  return 'localhost';
}
for (const mod of [net, tls]) {
  for (const name of ['connect', 'createConnection']) {
    const real = mod[name];
    if (typeof real !== 'function') continue;
    mod[name] = function (...args) {
      guard(hostOf(args));
      return real.apply(this, args);
    };
  }
}
const realLookup = dns.lookup;
dns.lookup = function (host, ...rest) {
  guard(host);
  return realLookup.call(this, host, ...rest);
};

const { OAuth2Client, CodeChallengeMethod } = require('google-auth-library');
const { drive } = require('@googleapis/drive');

const EMU = process.env.EMU;

function check(name, ok, detail = '') {
  console.log(JSON.stringify({ check: name, ok: Boolean(ok), detail: String(detail) }));
  if (!ok) process.exit(1);
}

function endpoints() {
  return {
    oauth2AuthBaseUrl: `${EMU}/o/oauth2/v2/auth`,
    oauth2TokenUrl: `${EMU}/token`,
    oauth2RevokeUrl: `${EMU}/revoke`,
    tokenInfoUrl: `${EMU}/tokeninfo`,
    oauth2FederatedSignonPemCertsUrl: `${EMU}/oauth2/v1/certs`,
    oauth2FederatedSignonJwkCertsUrl: `${EMU}/oauth2/v3/certs`,
  };
}

async function main() {
  // The guard itself works: a request to Google fails here and is recorded.
  try {
    await fetch('https://oauth2.googleapis.com/tokeninfo');
    check('the guard refuses Google', false, 'a request to Google went out');
  } catch (e) {
    check('the guard refuses Google', stray.includes('oauth2.googleapis.com'), stray);
  }
  stray.length = 0;

  // A mobile serverAuthCode: the library drops an empty redirect_uri, so it sends none, which
  // the emulator refuses by default (Google's answer to an omitted one is unconfirmed).
  const mobile = new OAuth2Client({
    clientId: process.env.CLIENT_ID,
    clientSecret: process.env.CLIENT_SECRET,
    endpoints: endpoints(),
  });
  let omitted = '';
  try {
    await mobile.getToken({ code: process.env.MOBILE_CODE, redirect_uri: '' });
  } catch (e) {
    omitted = String(e.message);
  }
  check('google-auth-library getToken without redirect_uri is refused', omitted === 'invalid_request', omitted);
  await fetch(`${EMU}/control/settings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accept_missing_redirect_uri: true }),
  });
  const mobileTokens = (await mobile.getToken({ code: process.env.MOBILE_CODE })).tokens;
  check('google-auth-library getToken (serverAuthCode, accept_missing_redirect_uri)', mobileTokens.id_token, Object.keys(mobileTokens));

  // A web backend, as Google's sample does it: redirect_uri "postmessage".
  const web = new OAuth2Client({
    clientId: process.env.CLIENT_ID,
    clientSecret: process.env.CLIENT_SECRET,
    redirectUri: 'postmessage',
    endpoints: endpoints(),
  });
  const { tokens } = await web.getToken(process.env.WEB_CODE);
  check('google-auth-library getToken (postmessage)', tokens.refresh_token && tokens.id_token, Object.keys(tokens));
  const ticket = await web.verifyIdToken({ idToken: tokens.id_token, audience: process.env.CLIENT_ID });
  const payload = ticket.getPayload();
  check('google-auth-library verifyIdToken', payload.email === 'alice@example.com' && payload.iss === 'https://accounts.google.com', JSON.stringify(payload));
  const info = await web.getTokenInfo(tokens.access_token);
  check('google-auth-library getTokenInfo', info.scopes.includes('https://www.googleapis.com/auth/drive.appdata') && info.email === 'alice@example.com', JSON.stringify(info));

  // Refresh with the stored refresh token alone.
  const offline = new OAuth2Client({
    clientId: process.env.CLIENT_ID,
    clientSecret: process.env.CLIENT_SECRET,
    endpoints: endpoints(),
  });
  offline.setCredentials({ refresh_token: tokens.refresh_token });
  const { token } = await offline.getAccessToken();
  check('google-auth-library refresh', token && token.startsWith('ya29.') && token !== tokens.access_token, token && token.slice(0, 8));

  // The Drive client, at the emulator's root.
  const d = drive({ version: 'v3', auth: offline, rootUrl: `${EMU}/` });
  const folder = await d.files.get({ fileId: 'appfolder' });
  check('@googleapis/drive files.get(appfolder)', folder.data.name === 'Application Data', JSON.stringify(folder.data));
  const list = await d.files.list({ spaces: 'appDataFolder' });
  check('@googleapis/drive files.list(appDataFolder)', Array.isArray(list.data.files), JSON.stringify(list.data));

  // A Desktop sign-in through the authorization page: PKCE S256, state; the page auto-approves.
  const desktop = new OAuth2Client({
    clientId: process.env.DESKTOP_ID,
    clientSecret: process.env.DESKTOP_SECRET,
    redirectUri: 'http://127.0.0.1:53682',
    endpoints: endpoints(),
  });
  const { codeVerifier, codeChallenge } = await desktop.generateCodeVerifierAsync();
  const url = desktop.generateAuthUrl({
    access_type: 'offline',
    scope: ['openid', 'email', 'https://www.googleapis.com/auth/drive.appdata'],
    state: 'node-state',
    code_challenge: codeChallenge,
    code_challenge_method: CodeChallengeMethod.S256,
    login_hint: 'nina@example.com',
  });
  const resp = await fetch(url, { redirect: 'manual' });
  const back = new URL(resp.headers.get('location'));
  check('authorization page redirect', resp.status === 302 && back.searchParams.get('state') === 'node-state', back.search);
  const got = await desktop.getToken({ code: back.searchParams.get('code'), codeVerifier });
  const desktopTicket = await desktop.verifyIdToken({ idToken: got.tokens.id_token, audience: process.env.DESKTOP_ID });
  check('google-auth-library getToken (PKCE, Desktop)', got.tokens.refresh_token && desktopTicket.getPayload().email === 'nina@example.com', JSON.stringify(desktopTicket.getPayload()));

  // Revocation at the emulator; the revoked token is then refused.
  await web.revokeToken(tokens.refresh_token);
  let refused = false;
  try {
    await web.refreshToken(tokens.refresh_token);
  } catch (e) {
    refused = /invalid_grant/.test(String(e.message) + JSON.stringify(e.response?.data ?? {}));
  }
  check('google-auth-library revokeToken', refused);

  check('no request left this machine', stray.length === 0, stray);
}

main().catch((e) => {
  console.log(JSON.stringify({ check: 'uncaught', ok: false, detail: String(e.stack || e) }));
  process.exit(1);
});
