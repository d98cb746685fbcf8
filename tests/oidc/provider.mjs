// An independent OpenID provider for gsignin's interop tests: panva/node-oidc-provider (OpenID
// Certified), configured with one confidential client, on 127.0.0.1 and a free port.
//
// It prints one JSON line, {"issuer", "client_id", "client_secret", "redirect_uri",
// "native_client_id", "native_client_secret"}, then serves until killed. POST /test/mint
// {"account": "..."} creates a grant and an authorization code through the provider's own
// models, standing in for the browser login a user would do. The native client (any loopback
// port, PKCE) is for browser sign-ins: its login and consent interactions complete at once as
// the `login_hint` account (else `login-user`), so a browser only follows redirects.
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(20).toString('hex'), use: 'sig', alg: 'RS256' };

const client = {
  client_id: 'interop-client',
  client_secret: randomBytes(24).toString('base64url'),
  redirect_uris: ['http://127.0.0.1/cb'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
  id_token_signed_response_alg: 'RS256',
};

const native = {
  client_id: 'interop-native',
  client_secret: randomBytes(24).toString('base64url'),
  application_type: 'native',
  redirect_uris: ['http://127.0.0.1'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
  id_token_signed_response_alg: 'RS256',
};

const provider = new Provider(issuer, {
  clients: [client, native],
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(16).toString('hex')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false }, revocation: { enabled: true }, introspection: { enabled: true } },
  pkce: { required: () => false },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@interop.example`, email_verified: true, name: `Interop ${id}` };
      },
    };
  },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));

const callback = provider.callback();
server.on('request', async (req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/interaction/')) {
    try {
      const details = await provider.interactionDetails(req, res);
      const accountId = details.params.login_hint || 'login-user';
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      const missing = details.prompt.details;
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    } catch (err) {
      console.error('interaction', err);
      res.writeHead(500);
      res.end(String(err));
    }
    return;
  }
  if (req.method === 'POST' && req.url === '/test/mint') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const { account = 'interop-user', scope = 'openid email profile offline_access' } = body ? JSON.parse(body) : {};
    const grant = new provider.Grant({ accountId: account, clientId: client.client_id });
    grant.addOIDCScope(scope);
    const grantId = await grant.save();
    const found = await provider.Client.find(client.client_id);
    const code = new provider.AuthorizationCode({
      accountId: account,
      client: found,
      grantId,
      scope,
      redirectUri: client.redirect_uris[0],
      authTime: Math.floor(Date.now() / 1000),
    });
    const value = await code.save();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: value }));
    return;
  }
  callback(req, res);
});

console.log(JSON.stringify({
  issuer,
  client_id: client.client_id,
  client_secret: client.client_secret,
  redirect_uri: client.redirect_uris[0],
  native_client_id: native.client_id,
  native_client_secret: native.client_secret,
}));
