// A small, real SAML 2.0 IdP for Gatehouse's host-level tests (tests/Gatehouse.Tests/Saml), independent of our
// code: it inflates our HTTP-Redirect AuthnRequest with node:zlib, reads it with @xmldom/xmldom, builds the
// Response and signs it with xml-crypto using the test keys in keys/, then auto-posts it to the ACS.
//
//   node idp-server.mjs            → prints "listening {"port":N}" and serves on 127.0.0.1:N until stdin closes.
//
// Multi-tenant, so tests stay independent: everything lives under /t/{tenant}/ and the IdP entity ID is
// http://127.0.0.1:N/t/{tenant}.
//   GET  /t/{t}/metadata           IdP metadata (signing certs = state.publish), or state.metadataStatus
//   GET  /t/{t}/sso?SAMLRequest=…  the SSO service: auto-POST form to the request's ACS with RelayState
//   POST /t/{t}/control            JSON merged into the tenant's state (see DEFAULTS)
//   POST /t/{t}/response           JSON {requestId, acs, audience, relayState, mutation, …} → {saml_response}
//   POST /t/{t}/inflate            JSON {url} (our redirect) → {id, acs, issuer, relay_state, signed}
//   GET  /t/{t}/slo?SAMLRequest=…   single logout: records the LogoutRequest in state.lastLogout, then 302 to the
//                                  SP's SLO endpoint (its entity ID with /metadata → /slo) with a LogoutResponse
//                                  signed over the query (state.sloSign false: unsigned; sloMutation: wrong-irt,
//                                  wrong-issuer, attacker-signed, partial); state.sloRespond false: never answers.
// Encryption (xml-encryption): state/request `encrypt` = {cert: SP encryption certificate (PEM or base64 DER, as
// read from the SP metadata) or key: a test key name, data: aes256-gcm|aes128-gcm|aes256-cbc|aes128-cbc,
// transport: rsa-oaep-mgf1p|rsa-oaep-sha256}: the signed assertion becomes a saml:EncryptedAssertion.
// Mutations (applied without re-signing unless noted): see MUTATIONS below.

import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import { SignedXml } from "xml-crypto";
import xmlenc from "xml-encryption";

const here = path.dirname(fileURLToPath(import.meta.url));
const key = (name) => ({
  key: fs.readFileSync(path.join(here, "keys", `${name}.key.pem`), "utf8"),
  cert: fs.readFileSync(path.join(here, "keys", `${name}.cert.pem`), "utf8"),
});
const KEYS = { "idp-a": key("idp-a"), "idp-a-next": key("idp-a-next"), "idp-b": key("idp-b"), attacker: key("attacker") };
const NS = {
  samlp: "urn:oasis:names:tc:SAML:2.0:protocol",
  saml: "urn:oasis:names:tc:SAML:2.0:assertion",
  ds: "http://www.w3.org/2000/09/xmldsig#",
};
const ALG = {
  rsaSha256: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
  sha256: "http://www.w3.org/2001/04/xmlenc#sha256",
  enveloped: "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
  excC14n: "http://www.w3.org/2001/10/xml-exc-c14n#",
};

const DEFAULTS = {
  nameId: "alice",
  nameIdFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
  attributes: {},
  signWith: "idp-a", // key that signs responses
  publish: ["idp-a"], // certificates in the metadata (rollover: several)
  sign: "assertion", // assertion | response | both | none
  metadataStatus: 200,
  validUntil: null,
  cacheDuration: null,
  mutation: "none",
  encrypt: null,
  sloRespond: true,
  sloSign: true,
  sloMutation: "none",
  lastLogout: null,
};
const tenants = new Map();
const state = (t) => {
  if (!tenants.has(t)) tenants.set(t, { ...DEFAULTS });
  return tenants.get(t);
};

let port = 0;
const entityId = (t) => `http://127.0.0.1:${port}/t/${t}`;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const newId = () => "_" + crypto.randomBytes(16).toString("hex");
const der = (pem) => pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function metadata(t) {
  const s = state(t);
  // publishDer: extra certificates (base64 DER) a test wants in the metadata, e.g. one about to expire.
  const keys = s.publish.map((k) => der(KEYS[k].cert)).concat(s.publishDer ?? []).map((c) => `
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`).join("");
  const attrs = (s.validUntil ? ` validUntil="${s.validUntil}"` : "") + (s.cacheDuration ? ` cacheDuration="${s.cacheDuration}"` : "");
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="${NS.ds}" entityID="${entityId(t)}"${attrs}>
  <md:IDPSSODescriptor protocolSupportEnumeration="${NS.samlp}">${keys}
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="http://127.0.0.1:${port}/t/${t}/slo"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="http://127.0.0.1:${port}/t/${t}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
`;
}

// ---------------------------------------------------------------------------------------------------
// Building and signing the Response (xml-crypto)
function assertionXml(o) {
  const now = Date.now();
  const irt = o.requestId ? ` InResponseTo="${o.requestId}"` : "";
  const attrs = Object.entries(o.attributes ?? {}).map(([n, v]) => `
      <saml:Attribute Name="${esc(n)}">${[].concat(v).map((x) => `<saml:AttributeValue>${esc(x)}</saml:AttributeValue>`).join("")}</saml:Attribute>`).join("");
  return `<saml:Assertion xmlns:saml="${NS.saml}" ID="${o.assertionId}" Version="2.0" IssueInstant="${iso(now)}">
    <saml:Issuer>${esc(o.issuer)}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="${esc(o.nameIdFormat)}">${esc(o.nameId)}</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData${irt} NotOnOrAfter="${iso(now + o.lifetimeMs)}" Recipient="${esc(o.recipient)}"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="${iso(now - 60_000 + o.shiftMs)}" NotOnOrAfter="${iso(now + o.lifetimeMs)}">
      <saml:AudienceRestriction><saml:Audience>${esc(o.audience)}</saml:Audience></saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${newId()}">
      <saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>
    </saml:AuthnStatement>
    <saml:AttributeStatement>${attrs}
    </saml:AttributeStatement>
  </saml:Assertion>`;
}

function responseXml(o, assertion) {
  const irt = o.requestId ? ` InResponseTo="${o.requestId}"` : "";
  return `<samlp:Response xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${o.responseId}" Version="2.0" IssueInstant="${iso(Date.now())}" Destination="${esc(o.destination)}"${irt}>
  <saml:Issuer>${esc(o.issuer)}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="${o.status ?? "urn:oasis:names:tc:SAML:2.0:status:Success"}"/></samlp:Status>
  ${assertion}
</samlp:Response>`;
}

const DATA_ALG = {
  "aes128-cbc": "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
  "aes256-cbc": "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
  "aes128-gcm": "http://www.w3.org/2009/xmlenc11#aes128-gcm",
  "aes256-gcm": "http://www.w3.org/2009/xmlenc11#aes256-gcm",
};
const TRANSPORT = {
  "rsa-oaep-mgf1p": { keyEncryptionAlgorithm: "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p", keyEncryptionDigest: "sha1" },
  "rsa-oaep-sha256": { keyEncryptionAlgorithm: "http://www.w3.org/2009/xmlenc11#rsa-oaep", keyEncryptionDigest: "sha256", keyEncryptionMgf: "sha256" },
};
const pemOf = (cert) => cert.includes("-----BEGIN")
  ? cert
  : `-----BEGIN CERTIFICATE-----\n${cert.replace(/\s+/g, "").match(/.{1,64}/g).join("\n")}\n-----END CERTIFICATE-----\n`;

// The (signed) assertion encrypted to the SP's certificate, as an IdP with "encrypt assertions" on sends it.
function encryptAssertion(assertion, e) {
  const pem = e.key ? KEYS[e.key].cert : pemOf(e.cert);
  const rsaPub = new crypto.X509Certificate(pem).publicKey.export({ type: "spki", format: "pem" });
  const dataAlg = DATA_ALG[e.data ?? "aes256-gcm"];
  const transport = TRANSPORT[e.transport ?? "rsa-oaep-mgf1p"];
  if (!dataAlg || !transport) throw new Error(`unknown encryption ${JSON.stringify(e)}`);
  return new Promise((resolve, reject) => xmlenc.encrypt(assertion, {
    rsa_pub: rsaPub, pem, encryptionAlgorithm: dataAlg, ...transport,
    disallowEncryptionWithInsecureAlgorithm: false, warnInsecureAlgorithm: false,
  }, (err, encrypted) => err ? reject(err) : resolve(`<saml:EncryptedAssertion>${encrypted}</saml:EncryptedAssertion>`)));
}

function sign(xml, signer, which) {
  const s = new SignedXml({ privateKey: signer.key, publicCert: signer.cert, signatureAlgorithm: ALG.rsaSha256, canonicalizationAlgorithm: ALG.excC14n });
  const target = which === "assertion" ? "Assertion" : "Response";
  s.addReference({
    xpath: which === "assertion"
      ? "//*[local-name(.)='Assertion' and namespace-uri(.)='urn:oasis:names:tc:SAML:2.0:assertion']"
      : "/*[local-name(.)='Response']",
    transforms: [ALG.enveloped, ALG.excC14n],
    digestAlgorithm: ALG.sha256,
  });
  s.computeSignature(xml, { prefix: "ds", location: { reference: `//*[local-name(.)='${target}']/*[local-name(.)='Issuer']`, action: "after" } });
  return s.getSignedXml();
}

const parse = (xml) => new DOMParser().parseFromString(xml, "text/xml");
const serialize = (doc) => new XMLSerializer().serializeToString(doc);
const kid = (el, ns, local) => Array.from(el.childNodes).find((n) => n.nodeType === 1 && n.namespaceURI === ns && n.localName === local);

// Hostile variants of a valid response, each named after the check it exercises at the host.
const MUTATIONS = {
  none: (o) => o,
  unsigned: (o) => ({ ...o, sign: "none" }),
  "wrong-audience": (o) => ({ ...o, audience: o.audience + "-other" }),
  "wrong-recipient": (o) => ({ ...o, recipient: o.recipient.replace(/\/acs$/, "/acs-other") }),
  "wrong-destination": (o) => ({ ...o, destination: o.destination.replace(/\/acs$/, "/acs-other") }),
  "wrong-issuer": (o) => ({ ...o, issuer: o.issuer + "-other" }),
  "attacker-signed": (o) => ({ ...o, signer: KEYS.attacker }),
  "other-idp-signed": (o) => ({ ...o, signer: KEYS["idp-b"] }),
  expired: (o) => ({ ...o, lifetimeMs: -10 * 60_000, shiftMs: -20 * 60_000 }),
  "status-denied": (o) => ({ ...o, status: "urn:oasis:names:tc:SAML:2.0:status:Responder" }),
};
// Applied to the signed XML (no re-signing).
const POST_MUTATIONS = {
  // XSW3: an evil unsigned copy of the assertion (new ID, the victim's NameID) before the signed one.
  xsw3: (xml, o) => {
    const doc = parse(xml);
    const r = doc.documentElement;
    const original = kid(r, NS.saml, "Assertion");
    const evil = original.cloneNode(true);
    evil.removeChild(kid(evil, NS.ds, "Signature"));
    evil.setAttribute("ID", newId());
    kid(kid(evil, NS.saml, "Subject"), NS.saml, "NameID").textContent = o.evilNameId ?? "admin";
    r.insertBefore(evil, original);
    return serialize(doc);
  },
  // The NameID changed after signing: the digest must fail.
  "tampered-nameid": (xml, o) => xml.replace(`>${esc(o.nameId)}</saml:NameID>`, `>${esc(o.evilNameId ?? "admin")}</saml:NameID>`),
  // XXE: an external entity in a DOCTYPE.
  xxe: (xml) => `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n${xml.replace(/<saml:Issuer>/, "<saml:Issuer>&x;")}`,
  "billion-laughs": (xml) => {
    let dtd = '<!ENTITY lol "lol">';
    for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i === 1 ? "" : i - 1};`.repeat(10)}">`;
    return `<?xml version="1.0"?>\n<!DOCTYPE lolz [${dtd}]>\n${xml.replace(/<saml:Issuer>/, "<saml:Issuer>&lol9;")}`;
  },
};

async function buildResponse(t, req) {
  const s = state(t);
  let o = {
    requestId: req.requestId ?? null,
    issuer: entityId(t),
    nameId: req.nameId ?? s.nameId,
    nameIdFormat: req.nameIdFormat ?? s.nameIdFormat,
    attributes: req.attributes ?? s.attributes,
    audience: req.audience,
    recipient: req.acs,
    destination: req.acs,
    signer: KEYS[req.signWith ?? s.signWith],
    sign: req.sign ?? s.sign,
    lifetimeMs: 5 * 60_000,
    shiftMs: 0,
    assertionId: newId(),
    responseId: newId(),
    evilNameId: req.evilNameId,
  };
  const mutation = req.mutation ?? s.mutation;
  if (MUTATIONS[mutation]) o = MUTATIONS[mutation](o);
  else if (!POST_MUTATIONS[mutation]) throw new Error(`unknown mutation ${mutation}`);
  let assertion = assertionXml(o);
  if (o.sign === "assertion" || o.sign === "both") assertion = sign(assertion, o.signer, "assertion");
  const encrypt = req.encrypt ?? s.encrypt;
  if (encrypt) assertion = await encryptAssertion(assertion, encrypt);
  let xml = responseXml(o, assertion);
  if (o.sign === "response" || o.sign === "both") xml = sign(xml, o.signer, "response");
  if (POST_MUTATIONS[mutation]) xml = POST_MUTATIONS[mutation](xml, o);
  return { xml, assertionId: o.assertionId };
}

// Reads our HTTP-Redirect AuthnRequest (Bindings §3.4.4.1: base64 of raw DEFLATE).
function readRequest(url) {
  const u = new URL(url, "http://x");
  const raw = zlib.inflateRawSync(Buffer.from(u.searchParams.get("SAMLRequest"), "base64")).toString("utf8");
  const req = parse(raw).documentElement;
  const issuer = kid(req, NS.saml, "Issuer");
  return {
    id: req.getAttribute("ID"),
    acs: req.getAttribute("AssertionConsumerServiceURL"),
    destination: req.getAttribute("Destination"),
    issuer: issuer ? issuer.textContent : null,
    relay_state: u.searchParams.get("RelayState"),
    signed: u.searchParams.has("Signature"),
    sig_alg: u.searchParams.get("SigAlg"),
  };
}

// Our HTTP-Redirect LogoutRequest, read back, and the query signature checked with the SP's key when given.
function readLogoutRequest(url) {
  const u = new URL(url, "http://x");
  const raw = zlib.inflateRawSync(Buffer.from(u.searchParams.get("SAMLRequest"), "base64")).toString("utf8");
  const req = parse(raw).documentElement;
  const nameId = kid(req, NS.saml, "NameID");
  const sessionIndex = kid(req, NS.samlp, "SessionIndex");
  const issuer = kid(req, NS.saml, "Issuer");
  const rawQuery = u.search.slice(1);
  const signedPart = rawQuery.split("&").filter((p) => !p.startsWith("Signature=")).join("&");
  return {
    element: req.localName,
    id: req.getAttribute("ID"),
    destination: req.getAttribute("Destination"),
    issuer: issuer ? issuer.textContent : null,
    name_id: nameId ? nameId.textContent : null,
    name_id_format: nameId ? nameId.getAttribute("Format") : null,
    session_index: sessionIndex ? sessionIndex.textContent : null,
    relay_state: u.searchParams.get("RelayState"),
    signed: u.searchParams.has("Signature"),
    signature: u.searchParams.get("Signature"),
    signed_part: signedPart,
  };
}

function logoutResponse(t, r) {
  const s = state(t);
  const m = s.sloMutation;
  const sp = r.issuer.replace(/\/metadata$/, "/slo");
  const status = m === "partial" ? "urn:oasis:names:tc:SAML:2.0:status:Responder" : "urn:oasis:names:tc:SAML:2.0:status:Success";
  const xml = `<samlp:LogoutResponse xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${newId()}" Version="2.0" IssueInstant="${iso(Date.now())}" Destination="${esc(sp)}" InResponseTo="${m === "wrong-irt" ? newId() : r.id}">
  <saml:Issuer>${esc(m === "wrong-issuer" ? entityId(t) + "-other" : entityId(t))}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="${status}"/></samlp:Status>
</samlp:LogoutResponse>`;
  let query = "SAMLResponse=" + encodeURIComponent(zlib.deflateRawSync(Buffer.from(xml, "utf8")).toString("base64"));
  if (r.relay_state != null) query += "&RelayState=" + encodeURIComponent(r.relay_state);
  if (s.sloSign) {
    query += "&SigAlg=" + encodeURIComponent(ALG.rsaSha256);
    const signer = KEYS[m === "attacker-signed" ? "attacker" : s.signWith];
    query += "&Signature=" + encodeURIComponent(crypto.sign("sha256", Buffer.from(query, "utf8"), signer.key).toString("base64"));
  }
  return `${sp}?${query}`;
}

function autoPost(acs, samlResponse, relayState) {
  const relay = relayState == null ? "" : `<input type="hidden" name="RelayState" value="${esc(relayState)}">`;
  return `<!doctype html><html><head><title>Test IdP</title></head><body onload="document.forms[0].submit()">
<p>Test IdP: signing you in…</p>
<form method="post" action="${esc(acs)}"><input type="hidden" name="SAMLResponse" value="${samlResponse}">${relay}<noscript><button>Continue</button></noscript></form>
</body></html>`;
}

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : {};
}

const server = http.createServer(async (req, res) => {
  const send = (status, type, text) => { res.writeHead(status, { "content-type": type }); res.end(text); };
  try {
    const u = new URL(req.url, "http://x");
    const m = u.pathname.match(/^\/t\/([A-Za-z0-9_-]+)\/([a-z]+)$/);
    if (!m) return send(404, "text/plain", "not found");
    const [, t, action] = m;
    const s = state(t);
    if (action === "metadata" && req.method === "GET") {
      if (s.metadataStatus !== 200) return send(s.metadataStatus, "text/plain", "metadata unavailable");
      return send(200, "application/samlmetadata+xml", metadata(t));
    }
    if (action === "control" && req.method === "POST") {
      Object.assign(s, await body(req));
      return send(200, "application/json", JSON.stringify({ entity_id: entityId(t), state: s }));
    }
    if (action === "inflate" && req.method === "POST") {
      return send(200, "application/json", JSON.stringify(readRequest((await body(req)).url)));
    }
    if (action === "response" && req.method === "POST") {
      const b = await body(req);
      const { xml, assertionId } = await buildResponse(t, b);
      return send(200, "application/json", JSON.stringify({ saml_response: Buffer.from(xml, "utf8").toString("base64"), assertion_id: assertionId, xml }));
    }
    if (action === "slo" && req.method === "GET") {
      const r = readLogoutRequest(req.url);
      s.lastLogout = r;
      if (!s.sloRespond) return send(200, "text/html; charset=utf-8", "<!doctype html><title>Test IdP</title><p>Test IdP: not answering.</p>");
      res.writeHead(302, { location: logoutResponse(t, r) });
      return res.end();
    }
    if (action === "sso" && req.method === "GET") {
      // The SP's entity ID is its metadata URL, and the ACS comes from the request, as a permissive IdP would do.
      const r = readRequest(req.url);
      s.lastRequest = r;
      const { xml } = await buildResponse(t, { requestId: r.id, acs: r.acs, audience: r.issuer });
      return send(200, "text/html; charset=utf-8", autoPost(r.acs, Buffer.from(xml, "utf8").toString("base64"), r.relay_state));
    }
    return send(404, "text/plain", "not found");
  } catch (e) {
    return send(500, "text/plain", String(e && e.stack || e));
  }
});

server.listen(0, "127.0.0.1", () => {
  port = server.address().port;
  console.log(`listening ${JSON.stringify({ port })}`);
});
// The test process owns us: when it closes our stdin (or dies), we go.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();
