// A real OpenID Provider for Gatehouse's end-to-end tests: the certified `oidc-provider` package on loopback.
//
//   node provider.mjs            (configuration as JSON in the IDP_CONFIG environment variable)
//
// IDP_CONFIG = {
//   "port": 0,                               0 = any free port
//   "shape": "entra" | "okta" | "onelogin" | "auth0",   which vendor's token the provider imitates
//   "tenant": "…",                           entra: the tenant ID (tid); issuer http://127.0.0.1:PORT/{tenant}/v2.0
//                                            auth0: the tenant domain; issuer http://127.0.0.1:PORT/{tenant}/ (trailing slash, as Auth0's)
//   "issuerPath": "/oauth2/default",         okta, onelogin: issuer http://127.0.0.1:PORT{issuerPath}
//                                            (OneLogin's shape is /{subdomain}/oidc/2)
//   "clients": [{ "client_id", "client_secret", "redirect_uris": [], "token_endpoint_auth_method" }],
//   "accounts": { "<login>": { claims… } }   the dev login form accepts any password for these logins; the login is
//                                            the sub (so OneLogin's numeric IDs and Auth0's "auth0|…" are typed as such)
// }
//
// When listening it prints one line `listening {"port":…,"issuer":"…"}` on stdout; the test fixture waits for it.
// The login and consent pages are oidc-provider's own development interactions (fields "login"/"password",
// buttons "Sign-in" and "Continue"); Chromium fills them like a person would.
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.IDP_CONFIG ?? '{}');
const shape = config.shape ?? 'okta';
const accounts = config.accounts ?? {};

const server = http.createServer();
await new Promise((resolve) => server.listen(config.port ?? 0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = shape === 'entra' ? `http://127.0.0.1:${port}/${config.tenant}/v2.0`
  : shape === 'auth0' ? `http://127.0.0.1:${port}/${config.tenant}/`
  : `http://127.0.0.1:${port}${config.issuerPath ?? ''}`;

// Entra puts its identity claims in the ID token itself; Okta's org server keeps profile claims for userinfo
// (OIDC Core 5.4 as oidc-provider conforms to it), so the Okta shape exercises Gatehouse's userinfo path.
// OneLogin (/oidc/2) and Auth0 put the profile and email scopes' claims in the ID token; Auth0 has no
// preferred_username (admins pick email), OneLogin's preferred_username is the OneLogin username.
const claims = {
  entra: { openid: ['sub', 'tid', 'oid', 'upn', 'preferred_username'], profile: ['name'], email: ['email'] },
  okta: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
  onelogin: { openid: ['sub'], profile: ['name', 'preferred_username', 'given_name', 'family_name', 'updated_at'], email: ['email'] },
  auth0: { openid: ['sub'], profile: ['name', 'nickname', 'picture', 'updated_at'], email: ['email', 'email_verified'] },
}[shape];

const provider = new Provider(issuer, {
  clients: (config.clients ?? []).map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    redirect_uris: c.redirect_uris,
    token_endpoint_auth_method: c.token_endpoint_auth_method ?? 'client_secret_basic',
    response_types: ['code'],
    grant_types: ['authorization_code'],
  })),
  claims,
  conformIdTokenClaims: shape === 'okta',
  scopes: ['openid', 'profile', 'email'],
  features: { devInteractions: { enabled: true }, registration: { enabled: true } },
  pkce: { required: () => true },
  // A fixed key per run is enough: tests never compare keys across runs.
  // The dev login form's login becomes the accountId, which is the sub.
  async findAccount(_ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
  cookies: { keys: ['gatehouse-test-idp-cookie-key'] },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>IdP error</title><pre>${JSON.stringify(out).replace(/</g, '&lt;')}</pre>`;
  },
});
provider.on('server_error', (_ctx, err) => console.error('server_error', err));

// Entra paths: the issuer carries /{tenant}/v2.0, and oidc-provider serves everything under the issuer's path.
const mountPath = new URL(issuer).pathname.replace(/\/$/, '');
const callback = provider.callback();
server.on('request', (req, res) => {
  if (mountPath && req.url.startsWith(mountPath)) {
    req.url = req.url.slice(mountPath.length) || '/';
    req.originalUrl = mountPath + req.url;
  } else if (mountPath) {
    res.writeHead(404).end();
    return;
  }
  callback(req, res);
});

console.log(`listening ${JSON.stringify({ port, issuer })}`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.stdin.on('end', () => process.exit(0)); // the parent test process went away
process.stdin.resume();
