// A deliberately misbehaving OpenID Provider for Gatehouse's rejection tests (no dependencies: node:crypto).
// oidc-provider refuses to issue a wrong token; this one issues exactly the wrong thing a test asks for.
//
//   node rogue.mjs                prints `listening {"port":…,"issuer":"…"}` on stdout
//
// The scenario is the part of the client_id before the first '.', e.g. `expired.3f2a…`:
//   ok                 a correct ID token (the positive control of every test)
//   wrong-iss          iss of another provider              wrong-aud      aud without our client_id
//   multi-aud-no-azp   aud has ours and another, no azp     expired        exp and iat an hour ago
//   multi-aud-wrong-azp  aud has ours and another, azp = the other client
//   multi-aud-azp      aud has ours and another, azp = ours (accepted)
//   not-yet            nbf an hour ahead                    wrong-nonce    nonce of another request
//   no-iat             iat missing                          no-sub         sub missing
//   alg-none           alg "none", empty signature
//   hs256-confusion    HS256 keyed with our RSA public key (PEM) — algorithm/key confusion
//   unknown-kid        signed by a key never published      header-jwk     signed by the attacker, key in `jwk`/`jku`/`x5u`
//   header-jwk-known-kid  signed by the attacker, kid of the published key, attacker's key in `jwk`/`jku`/`x5u`
//   rotated            signed by a key published only after POST /_rotate (key rotation, RFC 7517 kid lookup)
//   no-kid             no kid header, single JWKS key (accepted)
//   mixup              authorization response iss = another issuer (RFC 9207)
//   no-iss             authorization response without iss although discovery advertises it (RFC 9207 §2.4)
//   error              authorization response error=access_denied with an HTML error_description
//   userinfo           identity claim only from userinfo     userinfo-bad-sub  userinfo sub ≠ ID token sub
//   post-only          token endpoint accepts only client_secret_post
// The token endpoint checks the client secret (`good-secret`) and the PKCE verifier, but NOT whether a code was
// already redeemed: replay protection is Gatehouse's to prove.
import http from 'node:http';
import crypto from 'node:crypto';

const b64u = (b) => Buffer.from(b).toString('base64url');
const json64 = (o) => b64u(JSON.stringify(o));
const newRsa = (kid) => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' } };
};
const key1 = newRsa('key-1');
const key2 = newRsa('key-2');           // published after /_rotate
const attacker = newRsa('attacker');    // never published
let rotated = false;

const server = http.createServer(handle);
await new Promise((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

function sign(header, payload, key) {
  const input = `${json64(header)}.${json64(payload)}`;
  return `${input}.${b64u(crypto.sign('sha256', Buffer.from(input), key.privateKey))}`;
}

function idToken(scenario, clientId, nonce) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: issuer, sub: 'rogue-sub-1', aud: clientId, iat: now, exp: now + 300, nonce,
    preferred_username: 'rogue.user', email: 'rogue.user@example.com', name: 'Rogue User',
  };
  let header = { alg: 'RS256', typ: 'JWT', kid: key1.kid };
  let key = key1;
  switch (scenario) {
    case 'wrong-iss': claims.iss = 'http://127.0.0.1:1/other-issuer'; break;
    case 'wrong-aud': claims.aud = 'someone-else'; break;
    case 'multi-aud-no-azp': claims.aud = [clientId, 'someone-else']; break;
    case 'multi-aud-wrong-azp': claims.aud = [clientId, 'someone-else']; claims.azp = 'someone-else'; break;
    case 'multi-aud-azp': claims.aud = [clientId, 'someone-else']; claims.azp = clientId; break;
    case 'expired': claims.iat = now - 3600; claims.exp = now - 3000; break;
    case 'not-yet': claims.nbf = now + 3600; claims.exp = now + 7200; break;
    case 'wrong-nonce': claims.nonce = 'not-the-nonce-we-sent'; break;
    case 'no-iat': delete claims.iat; break;
    case 'no-sub': delete claims.sub; break;
    case 'userinfo': case 'userinfo-bad-sub': delete claims.preferred_username; break;
    case 'alg-none':
      return `${json64({ alg: 'none', typ: 'JWT' })}.${json64(claims)}.`;
    case 'hs256-confusion': {
      header = { alg: 'HS256', typ: 'JWT', kid: key1.kid };
      const input = `${json64(header)}.${json64(claims)}`;
      const secret = key1.publicKey.export({ format: 'pem', type: 'spki' });
      return `${input}.${b64u(crypto.createHmac('sha256', secret).update(input).digest())}`;
    }
    case 'unknown-kid': header.kid = attacker.kid; key = attacker; break;
    case 'header-jwk':
      header = { alg: 'RS256', typ: 'JWT', kid: attacker.kid, jwk: attacker.jwk, jku: `${issuer}/attacker-jwks`, x5u: `${issuer}/attacker-x5u` };
      key = attacker; break;
    case 'header-jwk-known-kid':
      header = { alg: 'RS256', typ: 'JWT', kid: key1.kid, jwk: { ...attacker.jwk, kid: key1.kid }, jku: `${issuer}/attacker-jwks`, x5u: `${issuer}/attacker-x5u` };
      key = attacker; break;
    case 'rotated': header.kid = key2.kid; key = key2; break;
    case 'no-kid': delete header.kid; break;
  }
  return sign(header, claims, key);
}

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
  res.end(text);
}

async function readBody(req) {
  let data = '';
  for await (const chunk of req) data += chunk;
  return new URLSearchParams(data);
}

const hits = {};
async function handle(req, res) {
  const url = new URL(req.url, issuer);
  hits[url.pathname] = (hits[url.pathname] ?? 0) + 1;
  switch (url.pathname) {
    case '/.well-known/openid-configuration':
      return send(res, 200, {
        issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`, jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'], subject_types_supported: ['public'],
        // Advertises HS256 too, as a careless provider might: Gatehouse must still refuse it (RFC 8725 §3.1).
        id_token_signing_alg_values_supported: ['RS256', 'HS256', 'none'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
      });
    case '/jwks':
      return send(res, 200, { keys: rotated ? [key1.jwk, key2.jwk] : [key1.jwk] });
    case '/_rotate':
      rotated = true;
      return send(res, 200, { rotated });
    case '/_hits':
      return send(res, 200, hits);
    case '/authorize': {
      const q = url.searchParams;
      const clientId = q.get('client_id');
      const scenario = clientId.split('.')[0];
      const back = new URL(q.get('redirect_uri'));
      const reply = {};
      if (scenario === 'error') {
        Object.assign(reply, { error: 'access_denied', error_description: '<script>alert(1)</script> The user said no' });
      } else {
        reply.code = json64({ c: clientId, n: q.get('nonce'), cc: q.get('code_challenge'), m: q.get('code_challenge_method'), r: crypto.randomUUID() });
      }
      reply.state = q.get('state');
      if (scenario === 'mixup') reply.iss = 'http://127.0.0.1:1/attacker-issuer';
      else if (scenario !== 'no-iss') reply.iss = issuer;
      if (q.get('response_mode') === 'form_post') {
        const inputs = Object.entries(reply).map(([k, v]) => `<input type="hidden" name="${k}" value="${String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}">`).join('');
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end(`<!doctype html><body onload="document.forms[0].submit()"><form method="post" action="${back}">${inputs}<button>Continue</button></form>`);
      }
      for (const [k, v] of Object.entries(reply)) back.searchParams.set(k, v);
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    case '/token': {
      const form = await readBody(req);
      let clientId = form.get('client_id'); let secret = form.get('client_secret'); let method = 'client_secret_post';
      const auth = req.headers.authorization;
      if (auth?.startsWith('Basic ')) {
        const [id, pw] = Buffer.from(auth.slice(6), 'base64').toString().split(':').map(decodeURIComponent);
        clientId = id; secret = pw; method = 'client_secret_basic';
      }
      const scenario = (clientId ?? '').split('.')[0];
      if (secret !== 'good-secret' || (scenario === 'post-only' && method !== 'client_secret_post'))
        return send(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
      let code;
      try { code = JSON.parse(Buffer.from(form.get('code') ?? '', 'base64url').toString()); } catch { code = null; }
      if (!code || code.c !== clientId) return send(res, 400, { error: 'invalid_grant', error_description: 'unknown code' });
      const challenge = b64u(crypto.createHash('sha256').update(form.get('code_verifier') ?? '').digest());
      if (code.m !== 'S256' || challenge !== code.cc) return send(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
      return send(res, 200, { access_token: `at.${scenario}`, token_type: 'Bearer', expires_in: 300, id_token: idToken(scenario, clientId, code.n) });
    }
    case '/userinfo': {
      const scenario = (req.headers.authorization ?? '').replace('Bearer at.', '');
      return send(res, 200, { sub: scenario === 'userinfo-bad-sub' ? 'someone-else' : 'rogue-sub-1', preferred_username: 'rogue.user', email: 'rogue.user@example.com' });
    }
    case '/attacker-jwks': case '/attacker-x5u':
      return send(res, 200, { keys: [attacker.jwk] });
    default:
      return send(res, 404, 'not found');
  }
}

console.log(`listening ${JSON.stringify({ port, issuer })}`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
