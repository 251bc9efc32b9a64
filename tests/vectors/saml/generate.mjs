// Generates the SAML Response vectors used by tests/Gatehouse.Saml.Tests.
//
// Signing is done by xml-crypto and DOM surgery by @xmldom/xmldom, encryption by node:crypto, keys and
// certificates by the openssl CLI: an implementation independent of Gatehouse.Saml, so a bug in our
// canonicalizer or verifier cannot be mirrored by the fixtures.
//
// Run:  npm ci && node generate.mjs          (from tests/vectors/saml)
// Keys in keys/ are reused when present, so regenerating only changes encrypted vectors (random IVs).
// Every timestamp is derived from the fixed NOW below; the tests pass the same instant to the validator.

import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import { SignedXml } from "xml-crypto";

const here = path.dirname(fileURLToPath(import.meta.url));
const keysDir = path.join(here, "keys");
// --check: regenerate into a temporary folder and compare with the committed vectors (CI drift check).
// Encrypted vectors are compared by name only: RSA-OAEP and the random IVs make them differ on every run.
const check = process.argv.includes("--check");
const outRoot = check ? fs.mkdtempSync(path.join(os.tmpdir(), "saml-vectors-")) : here;
const outDir = path.join(outRoot, "responses");

// ---------------------------------------------------------------------------------------------------
// Fixed context (mirrored in tests/Gatehouse.Saml.Tests/Vectors.cs)
const NOW = Date.parse("2030-01-01T00:00:00Z");
const ctx = {
  now: iso(NOW),
  spEntityId: "https://sp.gatehouse.test/t/acme/saml",
  acs: "https://sp.gatehouse.test/t/acme/saml/acs",
  idpEntityId: "https://idp-a.example.com/saml",
  idpBEntityId: "https://idp-b.example.com/saml",
  requestId: "_0f5c2a7e9d1b4c3a8e6f0a1b2c3d4e5f",
  responseId: "_r7d0a1c2b3e4f5a6b7c8d9e0f1a2b3c4d",
  assertionId: "_a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e",
  nameId: "alice@acme.example",
  sessionIndex: "_s3c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f",
};

const NS = {
  samlp: "urn:oasis:names:tc:SAML:2.0:protocol",
  saml: "urn:oasis:names:tc:SAML:2.0:assertion",
  ds: "http://www.w3.org/2000/09/xmldsig#",
  xenc: "http://www.w3.org/2001/04/xmlenc#",
  xenc11: "http://www.w3.org/2009/xmlenc11#",
};
const ALG = {
  rsaSha256: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
  rsaSha1: "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
  hmacSha1: "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
  sha256: "http://www.w3.org/2001/04/xmlenc#sha256",
  sha1: "http://www.w3.org/2000/09/xmldsig#sha1",
  enveloped: "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
  excC14n: "http://www.w3.org/2001/10/xml-exc-c14n#",
  c14n: "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
  xpath: "http://www.w3.org/TR/1999/REC-xpath-19991116",
  xslt: "http://www.w3.org/TR/1999/REC-xslt-19991116",
};

function iso(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
const min = 60_000;

// ---------------------------------------------------------------------------------------------------
// Keys and certificates (openssl CLI)
function ensureKey(name, subject, serial) {
  const key = path.join(keysDir, `${name}.key.pem`);
  const cert = path.join(keysDir, `${name}.cert.pem`);
  if (!fs.existsSync(key) || !fs.existsSync(cert)) {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "36500",
      "-keyout", key, "-out", cert, "-subj", subject, "-set_serial", serial,
    ], { stdio: "ignore" });
  }
  return { key: fs.readFileSync(key, "utf8"), cert: fs.readFileSync(cert, "utf8") };
}

fs.mkdirSync(keysDir, { recursive: true });
fs.mkdirSync(outDir, { recursive: true });
const keys = {
  idpA: ensureKey("idp-a", "/CN=idp-a.example.com/O=Acme IdP", "0x1001"),
  idpANext: ensureKey("idp-a-next", "/CN=idp-a.example.com/O=Acme IdP (next)", "0x1002"),
  idpB: ensureKey("idp-b", "/CN=idp-b.example.com/O=Other IdP", "0x2001"),
  // Certificate faking: same subject, issuer and serial as idp-a, different key.
  attacker: ensureKey("attacker", "/CN=idp-a.example.com/O=Acme IdP", "0x1001"),
  sp: ensureKey("sp", "/CN=sp.gatehouse.test/O=Gatehouse SP", "0x3001"),
  spNext: ensureKey("sp-next", "/CN=sp.gatehouse.test/O=Gatehouse SP (next)", "0x3002"),
};

// ---------------------------------------------------------------------------------------------------
// Documents
const GROUPS = Array.from({ length: 20 }, (_, i) =>
  `CN=app-${String(i).padStart(2, "0")}-users,OU=Application Groups,OU=Security,DC=corp,DC=acme,DC=example`);

function assertionXml(o = {}) {
  const a = {
    id: ctx.assertionId,
    issuer: ctx.idpEntityId,
    nameId: ctx.nameId,
    audience: ctx.spEntityId,
    recipient: ctx.acs,
    inResponseTo: ctx.requestId,
    notBefore: iso(NOW - 1 * min),
    notOnOrAfter: iso(NOW + 5 * min),
    scdNotOnOrAfter: iso(NOW + 5 * min),
    advice: "",
    ...o,
  };
  const irt = a.inResponseTo ? ` InResponseTo="${a.inResponseTo}"` : "";
  const groups = GROUPS.map((g) => `\n        <saml:AttributeValue xsi:type="xs:string">${g}</saml:AttributeValue>`).join("");
  return `<saml:Assertion xmlns:saml="${NS.saml}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${a.id}" Version="2.0" IssueInstant="${iso(NOW - 2000)}">
    <saml:Issuer>${a.issuer}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" SPNameQualifier="${ctx.spEntityId}">${a.nameId}</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData${irt} NotOnOrAfter="${a.scdNotOnOrAfter}" Recipient="${a.recipient}"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="${a.notBefore}" NotOnOrAfter="${a.notOnOrAfter}">
      <saml:AudienceRestriction>
        <saml:Audience>${a.audience}</saml:Audience>
      </saml:AudienceRestriction>
    </saml:Conditions>${a.advice}
    <saml:AuthnStatement AuthnInstant="${iso(NOW - 3000)}" SessionIndex="${ctx.sessionIndex}" SessionNotOnOrAfter="${iso(NOW + 480 * min)}">
      <saml:AuthnContext>
        <saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>
      </saml:AuthnContext>
    </saml:AuthnStatement>
    <saml:AttributeStatement>
      <saml:Attribute Name="email" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">
        <saml:AttributeValue xsi:type="xs:string">${a.nameId}</saml:AttributeValue>
      </saml:Attribute>
      <saml:Attribute Name="displayName" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">
        <saml:AttributeValue xsi:type="xs:string">Alice Example &amp; Co</saml:AttributeValue>
      </saml:Attribute>
      <saml:Attribute Name="groups" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${groups}
      </saml:Attribute>
    </saml:AttributeStatement>
  </saml:Assertion>`;
}

function responseXml(assertion, o = {}) {
  const r = {
    id: ctx.responseId,
    destination: ctx.acs,
    inResponseTo: ctx.requestId,
    issuer: ctx.idpEntityId,
    status: `<samlp:Status>
    <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>
  </samlp:Status>`,
    extensions: "",
    ...o,
  };
  const irt = r.inResponseTo ? ` InResponseTo="${r.inResponseTo}"` : "";
  const dest = r.destination ? ` Destination="${r.destination}"` : "";
  return `<samlp:Response xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${r.id}" Version="2.0" IssueInstant="${iso(NOW - 1000)}"${dest}${irt}>
  <saml:Issuer>${r.issuer}</saml:Issuer>${r.extensions}
  ${r.status}
  ${assertion}
</samlp:Response>`;
}

// ---------------------------------------------------------------------------------------------------
// Signing (xml-crypto)
class IdentityTransform {
  constructor(name) { this.name = name; }
  process(node) { return node; }
  getAlgorithmName() { return this.name; }
}

const ASSERTION_XPATH = "//*[local-name(.)='Assertion' and namespace-uri(.)='urn:oasis:names:tc:SAML:2.0:assertion']";
const RESPONSE_XPATH = "/*[local-name(.)='Response']";

function sign(xml, o) {
  const s = new SignedXml({
    privateKey: o.key.key,
    publicCert: o.keyInfoCert ?? o.key.cert,
    signatureAlgorithm: o.sigAlg ?? ALG.rsaSha256,
    canonicalizationAlgorithm: o.c14n ?? ALG.excC14n,
  });
  if (o.hmac) {
    s.enableHMAC();
    s.signatureAlgorithm = ALG.hmacSha1;
    s.publicCert = undefined;
  }
  for (const name of [ALG.xpath, ALG.xslt]) {
    s.CanonicalizationAlgorithms[name] = class extends IdentityTransform { constructor() { super(name); } };
  }
  s.addReference({
    xpath: o.xpath,
    transforms: o.transforms ?? [ALG.enveloped, ALG.excC14n],
    digestAlgorithm: o.digestAlg ?? ALG.sha256,
    isEmptyUri: o.emptyUri ?? false,
  });
  s.computeSignature(xml, {
    prefix: "ds",
    location: { reference: o.location, action: o.action ?? "after" },
  });
  return s.getSignedXml();
}

// Signs a standalone Assertion document; the Signature goes right after Issuer (SAML schema order).
function signAssertion(xml, o = {}) {
  return sign(xml, {
    key: keys.idpA,
    xpath: ASSERTION_XPATH,
    location: "/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']",
    ...o,
  });
}
function signResponse(xml, o = {}) {
  return sign(xml, {
    key: keys.idpA,
    xpath: RESPONSE_XPATH,
    location: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']",
    ...o,
  });
}

// ---------------------------------------------------------------------------------------------------
// Encryption (node:crypto), written as xenc:EncryptedData with the EncryptedKey in ds:KeyInfo
function encryptAssertion(assertion, o = {}) {
  const dataAlg = o.data ?? "aes256-gcm";
  const keyAlg = o.keyTransport ?? "rsa-oaep-mgf1p";
  const cert = o.cert ?? keys.sp.cert;
  const keyLen = dataAlg.startsWith("aes256") ? 32 : 16;
  const cek = crypto.randomBytes(keyLen);
  let cipherBytes;
  let dataUri;
  if (dataAlg.endsWith("gcm")) {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv(`aes-${keyLen * 8}-gcm`, cek, iv);
    const body = Buffer.concat([c.update(assertion, "utf8"), c.final()]);
    cipherBytes = Buffer.concat([iv, body, c.getAuthTag()]);
    dataUri = `${NS.xenc11}${dataAlg}`;
  } else {
    const iv = crypto.randomBytes(16);
    const c = crypto.createCipheriv(`aes-${keyLen * 8}-cbc`, cek, iv);
    cipherBytes = Buffer.concat([iv, c.update(assertion, "utf8"), c.final()]);
    dataUri = `${NS.xenc}${dataAlg}`;
  }
  let keyMethod;
  let encryptedKey;
  const pub = crypto.createPublicKey(cert);
  if (keyAlg === "rsa-oaep-mgf1p") {
    encryptedKey = crypto.publicEncrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, cek);
    keyMethod = `<xenc:EncryptionMethod Algorithm="${NS.xenc}rsa-oaep-mgf1p"><ds:DigestMethod xmlns:ds="${NS.ds}" Algorithm="${ALG.sha1}"/></xenc:EncryptionMethod>`;
  } else if (keyAlg === "rsa-oaep-sha256") {
    encryptedKey = crypto.publicEncrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, cek);
    keyMethod = `<xenc:EncryptionMethod Algorithm="${NS.xenc11}rsa-oaep"><ds:DigestMethod xmlns:ds="${NS.ds}" Algorithm="${ALG.sha256}"/><xenc11:MGF xmlns:xenc11="${NS.xenc11}" Algorithm="${NS.xenc11}mgf1sha256"/></xenc:EncryptionMethod>`;
  } else if (keyAlg === "rsa-1_5") {
    encryptedKey = crypto.publicEncrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_PADDING }, cek);
    keyMethod = `<xenc:EncryptionMethod Algorithm="${NS.xenc}rsa-1_5"/>`;
  } else {
    throw new Error(keyAlg);
  }
  return `<saml:EncryptedAssertion>
    <xenc:EncryptedData xmlns:xenc="${NS.xenc}" Type="${NS.xenc}Element">
      <xenc:EncryptionMethod Algorithm="${dataUri}"/>
      <ds:KeyInfo xmlns:ds="${NS.ds}">
        <xenc:EncryptedKey>
          ${keyMethod}
          <xenc:CipherData><xenc:CipherValue>${encryptedKey.toString("base64")}</xenc:CipherValue></xenc:CipherData>
        </xenc:EncryptedKey>
      </ds:KeyInfo>
      <xenc:CipherData><xenc:CipherValue>${cipherBytes.toString("base64")}</xenc:CipherValue></xenc:CipherData>
    </xenc:EncryptedData>
  </saml:EncryptedAssertion>`;
}

// ---------------------------------------------------------------------------------------------------
// DOM helpers for the hostile mutations (no re-signing)
const parse = (xml) => new DOMParser().parseFromString(xml, "text/xml");
const serialize = (doc) => new XMLSerializer().serializeToString(doc);
const kids = (el, ns, local) => Array.from(el.childNodes).filter((n) => n.nodeType === 1 && n.namespaceURI === ns && n.localName === local);
const kid = (el, ns, local) => kids(el, ns, local)[0];
const assertionOf = (doc) => kid(doc.documentElement, NS.saml, "Assertion");
const signatureOf = (el) => kid(el, NS.ds, "Signature");
function setNameId(assertion, value) {
  const subject = kid(assertion, NS.saml, "Subject");
  kid(subject, NS.saml, "NameID").textContent = value;
}
function mutate(xml, fn) {
  const doc = parse(xml);
  fn(doc, doc.documentElement);
  return serialize(doc);
}
const EVIL = "admin@acme.example";

// ---------------------------------------------------------------------------------------------------
// The vectors
const vectors = {};
const add = (name, xml, note) => { vectors[name] = { xml, note }; };

const signedAssertion = signAssertion(assertionXml());
const baseline = responseXml(signedAssertion);
add("valid-assertion-signed", baseline, "Baseline: assertion signed (RSA-SHA256, exc-c14n), response unsigned.");
add("valid-roundtrip", mutate(baseline, () => {}), "Baseline parsed and re-serialized by xmldom: control for the DOM-mutated vectors.");
const responseSigned = signResponse(responseXml(assertionXml()));
add("valid-response-signed", responseSigned, "Response signed, assertion unsigned.");
const bothSigned = signResponse(responseXml(signedAssertion));
add("valid-both-signed", bothSigned, "Assertion signed, then Response signed.");
add("valid-rollover-cert", responseXml(signAssertion(assertionXml(), { key: keys.idpANext })), "Signed with the rollover (next) IdP key.");
add("valid-unsolicited", responseXml(signAssertion(assertionXml({ inResponseTo: null })), { inResponseTo: null }), "IdP-initiated: no InResponseTo anywhere.");
add("valid-sha1", responseXml(signAssertion(assertionXml(), { sigAlg: ALG.rsaSha1, digestAlg: ALG.sha1 })), "Genuine key, rsa-sha1 + sha1 digest (accepted only with AllowSha1).");

// Comment injection (Duo 2018): the IdP signed "admin@acme.example.evil.example", attacker splits it with a comment.
{
  const signed = responseXml(signAssertion(assertionXml({ nameId: "admin@acme.example.evil.example" })));
  add("comment-in-nameid", signed.replace(">admin@acme.example.evil.example</saml:NameID>", ">admin@acme.example<!---->.evil.example</saml:NameID>"),
    "NameID split by a comment after signing; signature still valid; NameID must read in full.");
}

// Encrypted assertions
add("valid-encrypted-aes256gcm-oaep", responseXml(encryptAssertion(signedAssertion)), "Signed assertion, encrypted AES-256-GCM, key RSA-OAEP (mgf1p, SHA-1).");
add("valid-encrypted-aes128cbc-oaep256", responseXml(encryptAssertion(signedAssertion, { data: "aes128-cbc", keyTransport: "rsa-oaep-sha256" })), "Signed assertion, AES-128-CBC, key xmlenc11 rsa-oaep SHA-256/MGF1-SHA-256.");
add("valid-encrypted-aes128gcm-next-sp-key", responseXml(encryptAssertion(signedAssertion, { data: "aes128-gcm", cert: keys.spNext.cert })), "Encrypted to the SP's next key.");
add("valid-encrypted-aes256cbc", responseXml(encryptAssertion(signedAssertion, { data: "aes256-cbc" })), "AES-256-CBC.");
add("valid-encrypted-response-signed", signResponse(responseXml(encryptAssertion(assertionXml()))), "Unsigned assertion encrypted; Response signature covers the EncryptedAssertion.");
add("encrypted-unsigned", responseXml(encryptAssertion(assertionXml())), "Unsigned assertion encrypted, Response unsigned: nothing covers it.");
add("encrypted-rsa15", responseXml(encryptAssertion(signedAssertion, { keyTransport: "rsa-1_5" })), "Key transport RSA PKCS#1 v1.5 (Bleichenbacher class) must be refused.");
add("encrypted-evil-unsigned", responseXml(encryptAssertion(assertionXml({ nameId: EVIL }))), "Attacker encrypts his own unsigned assertion to the SP's public cert.");

// XSW1-XSW8 (SAML Raider XSWHelpers constructions)
add("xsw1", mutate(responseSigned, (doc, r) => {
  const clone = r.cloneNode(true);
  clone.removeChild(signatureOf(clone));
  signatureOf(r).appendChild(clone);
  r.setAttribute("ID", "_evil_response_ID");
  setNameId(assertionOf(doc), EVIL);
}), "XSW1: signed Response cloned into its own Signature; outer Response evil.");
add("xsw2", mutate(responseSigned, (doc, r) => {
  const clone = r.cloneNode(true);
  clone.removeChild(signatureOf(clone));
  r.insertBefore(clone, signatureOf(r));
  r.setAttribute("ID", "_evil_response_ID");
  setNameId(assertionOf(doc), EVIL);
}), "XSW2: signed Response clone inserted before the Signature (detached style).");
add("xsw3", mutate(baseline, (doc, r) => {
  const original = assertionOf(doc);
  const evil = original.cloneNode(true);
  evil.removeChild(signatureOf(evil));
  evil.setAttribute("ID", "_evil_assertion_ID");
  setNameId(evil, EVIL);
  r.insertBefore(evil, original);
}), "XSW3: evil unsigned assertion inserted before the signed one.");
add("xsw4", mutate(baseline, (doc, r) => {
  const original = assertionOf(doc);
  const evil = original.cloneNode(true);
  evil.removeChild(signatureOf(evil));
  evil.setAttribute("ID", "_evil_assertion_ID");
  setNameId(evil, EVIL);
  r.appendChild(evil);
  r.removeChild(original);
  evil.appendChild(original);
}), "XSW4: signed assertion moved inside an evil wrapper assertion.");
add("xsw5", mutate(baseline, (doc, r) => {
  const original = assertionOf(doc);
  const clean = original.cloneNode(true);
  clean.removeChild(signatureOf(clean));
  original.setAttribute("ID", "_evil_assertion_ID");
  setNameId(original, EVIL);
  r.appendChild(clean);
}), "XSW5: evil assertion keeps the Signature; clean unsigned copy (original ID) appended.");
add("xsw6", mutate(baseline, (doc, r) => {
  const original = assertionOf(doc);
  const clean = original.cloneNode(true);
  clean.removeChild(signatureOf(clean));
  original.setAttribute("ID", "_evil_assertion_ID");
  setNameId(original, EVIL);
  signatureOf(original).appendChild(clean);
}), "XSW6: as XSW5 with the clean copy inside the evil assertion's Signature.");
for (const [suffix, qualified] of [["", false], ["-samlp-extensions", true]]) {
  add(`xsw7${suffix}`, mutate(baseline, (doc, r) => {
    const original = assertionOf(doc);
    const evil = original.cloneNode(true);
    evil.removeChild(signatureOf(evil));
    setNameId(evil, EVIL);
    const ext = qualified ? doc.createElementNS(NS.samlp, "samlp:Extensions") : doc.createElementNS(null, "Extensions");
    ext.appendChild(evil);
    r.insertBefore(ext, original);
  }), "XSW7: Extensions before the signed assertion holding an evil clone with the same ID.");
}
for (const [suffix, qualified] of [["", false], ["-ds-object", true]]) {
  add(`xsw8${suffix}`, mutate(baseline, (doc, r) => {
    const original = assertionOf(doc);
    const clean = original.cloneNode(true);
    clean.removeChild(signatureOf(clean));
    setNameId(original, EVIL);
    const obj = qualified ? doc.createElementNS(NS.ds, "ds:Object") : doc.createElementNS(null, "Object");
    obj.appendChild(clean);
    signatureOf(original).appendChild(obj);
  }), "XSW8: evil original keeps its Signature; clean clone (same ID) inside an Object in the Signature.");
}
add("xsw3-both-signed", mutate(bothSigned, (doc, r) => {
  const original = assertionOf(doc);
  const evil = original.cloneNode(true);
  evil.removeChild(signatureOf(evil));
  evil.setAttribute("ID", "_evil_assertion_ID");
  setNameId(evil, EVIL);
  r.insertBefore(evil, original);
}), "XSW3 applied with both signatures present (Response signature then breaks).");

// Signature exclusion
add("signature-stripped", mutate(baseline, (doc) => {
  const a = assertionOf(doc);
  a.removeChild(signatureOf(a));
  setNameId(a, EVIL);
}), "Every signature removed, NameID changed.");
add("signature-empty", mutate(baseline, (doc) => {
  const a = assertionOf(doc);
  const s = signatureOf(a);
  while (s.firstChild) s.removeChild(s.firstChild);
  setNameId(a, EVIL);
}), "Empty <ds:Signature/> kept, NameID changed.");
add("signature-value-missing", mutate(baseline, (doc) => {
  const s = signatureOf(assertionOf(doc));
  s.removeChild(kid(s, NS.ds, "SignatureValue"));
}), "SignedInfo kept but SignatureValue dropped.");
add("signature-at-end", responseXml(signAssertion(assertionXml(), { location: "/*[local-name(.)='Assertion']", action: "append" })),
  "Valid signature placed as the last child of the Assertion instead of after Issuer (schema order).");
add("nameid-tampered", mutate(baseline, (doc) => setNameId(assertionOf(doc), "alice@acme.exampl")),
  "One character removed from the signed NameID (CVE-2025-54419 class): digest must fail.");
add("response-signed-tampered", mutate(bothSigned, (doc, r) => r.setAttribute("Destination", `${ctx.acs}?x=1`)),
  "Both signed; Response envelope altered: the Response signature no longer verifies.");

// Certificate faking and foreign IdPs
add("attacker-signed", responseXml(signAssertion(assertionXml({ nameId: EVIL }), { key: keys.attacker })),
  "Evil assertion signed by an attacker key; attacker cert (same DN and serial as idp-a) in KeyInfo.");
add("attacker-signed-real-cert-in-keyinfo", responseXml(signAssertion(assertionXml({ nameId: EVIL }), { key: keys.attacker, keyInfoCert: keys.idpA.cert })),
  "Attacker key, but the genuine idp-a cert placed in KeyInfo.");
add("idp-b-signed", responseXml(signAssertion(assertionXml({ issuer: ctx.idpBEntityId }), { key: keys.idpB }), { issuer: ctx.idpBEntityId }),
  "Valid response from tenant B's IdP posted to tenant A.");
add("wrong-issuer", responseXml(signAssertion(assertionXml({ issuer: ctx.idpBEntityId }))), "Signed by idp-a but Assertion Issuer names another IdP.");
add("wrong-response-issuer", responseXml(signedAssertion, { issuer: ctx.idpBEntityId }), "Unsigned Response Issuer differs from the expected IdP.");

// Protocol binding checks
add("wrong-audience", responseXml(signAssertion(assertionXml({ audience: "https://sp.gatehouse.test/t/other/saml" }))), "Audience = another tenant's SP.");
add("wrong-recipient", responseXml(signAssertion(assertionXml({ recipient: "https://sp.gatehouse.test/t/other/saml/acs" }))), "SubjectConfirmationData Recipient = another ACS.");
add("wrong-destination", responseXml(signedAssertion, { destination: "https://sp.gatehouse.test/t/other/saml/acs" }), "Response Destination = another ACS.");
add("response-signed-no-destination", signResponse(responseXml(assertionXml(), { destination: null })), "Signed Response without Destination (Bindings 3.5.5.2).");
add("wrong-in-response-to", responseXml(signAssertion(assertionXml({ inResponseTo: "_ffffffffffffffffffffffffffffffff" })), { inResponseTo: "_ffffffffffffffffffffffffffffffff" }),
  "Response to another request (login CSRF).");
add("scd-in-response-to-mismatch", responseXml(signAssertion(assertionXml({ inResponseTo: "_ffffffffffffffffffffffffffffffff" }))),
  "Unsigned Response InResponseTo matches, signed SubjectConfirmationData InResponseTo does not (re-wrapped replay).");

// Time
add("expired", responseXml(signAssertion(assertionXml({ notBefore: iso(NOW - 20 * min), notOnOrAfter: iso(NOW - 10 * min), scdNotOnOrAfter: iso(NOW - 10 * min) }))), "Conditions and SubjectConfirmationData expired 10 minutes ago.");
add("not-yet-valid", responseXml(signAssertion(assertionXml({ notBefore: iso(NOW + 10 * min), notOnOrAfter: iso(NOW + 15 * min), scdNotOnOrAfter: iso(NOW + 15 * min) }))), "NotBefore 10 minutes in the future.");
add("not-on-or-after-now", responseXml(signAssertion(assertionXml({ notOnOrAfter: iso(NOW), scdNotOnOrAfter: iso(NOW + 5 * min) }))), "Conditions NotOnOrAfter == now (exclusive bound).");
add("scd-expired", responseXml(signAssertion(assertionXml({ scdNotOnOrAfter: iso(NOW - 10 * min) }))), "SubjectConfirmationData expired while Conditions are valid.");
add("time-with-offset", responseXml(signAssertion(assertionXml({ notOnOrAfter: "2030-01-01T05:05:00+05:00" }))), "xs:dateTime with an offset (SAML Core 1.3.3 requires UTC 'Z').");

// Algorithms and transforms (genuine key)
add("hmac-signature", responseXml(signAssertion(assertionXml({ nameId: EVIL }), { hmac: true, key: { key: keys.idpA.cert } })),
  "HMAC-SHA1 keyed with the IdP's public certificate PEM (key confusion).");
add("sha1-digest-mixed", responseXml(signAssertion(assertionXml(), { digestAlg: ALG.sha1 })), "RSA-SHA256 signature over a SHA-1 reference digest.");
add("xpath-transform", responseXml(signAssertion(assertionXml(), { transforms: [ALG.enveloped, ALG.xpath, ALG.excC14n] })), "XPath transform in the Reference.");
add("xslt-transform", responseXml(signAssertion(assertionXml(), { transforms: [ALG.enveloped, ALG.xslt, ALG.excC14n] })), "XSLT transform in the Reference.");
add("inclusive-c14n", responseXml(signAssertion(assertionXml(), { c14n: ALG.c14n })), "SignedInfo canonicalized with inclusive C14N.");
add("reference-uri-empty", responseXml(signAssertion(assertionXml(), { emptyUri: true })), "Reference URI=\"\" (whole document).");
add("reference-other-id", sign(responseXml(assertionXml()), {
  key: keys.idpA, xpath: RESPONSE_XPATH,
  location: "/*[local-name(.)='Response']/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']",
}), "Signature inside the Assertion but referencing the Response ID.");
add("signedinfo-wrapped", mutate(baseline, (doc) => {
  const s = signatureOf(assertionOf(doc));
  const wrapper = doc.createElementNS(null, "WRAPPER");
  wrapper.appendChild(kid(s, NS.ds, "SignedInfo").cloneNode(true));
  s.insertBefore(wrapper, s.firstChild);
}), "Second SignedInfo inside a wrapper in the Signature (CVE-2025-29774).");
add("digest-value-comment", mutate(baseline, (doc) => {
  const s = signatureOf(assertionOf(doc));
  const dv = kid(kid(kid(s, NS.ds, "SignedInfo"), NS.ds, "Reference"), NS.ds, "DigestValue");
  dv.insertBefore(doc.createComment("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), dv.firstChild);
}), "Comment inside DigestValue (CVE-2025-29775).");

// Duplicate IDs and extra assertions
const ext = (inner) => `\n  <samlp:Extensions>${inner}</samlp:Extensions>`;
add("duplicate-id", responseXml(signedAssertion, { extensions: ext(`<x:Marker xmlns:x="urn:example:ext" ID="${ctx.assertionId}"/>`) }), "Another element carries the assertion's ID.");
add("duplicate-id-spelling", responseXml(signedAssertion, { extensions: ext(`<x:Marker xmlns:x="urn:example:ext" Id="${ctx.assertionId}"/>`) }), "Another element carries the assertion's ID as 'Id'.");
add("assertion-in-extensions", responseXml(signedAssertion, { extensions: ext(assertionXml({ id: "_evil_assertion_ID", nameId: EVIL })) }), "Unsigned evil assertion inside samlp:Extensions.");
add("assertion-in-status-detail", responseXml(signedAssertion, {
  status: `<samlp:Status>
    <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>
    <samlp:StatusDetail>${assertionXml({ id: "_evil_assertion_ID", nameId: EVIL })}</samlp:StatusDetail>
  </samlp:Status>`,
}), "Unsigned evil assertion inside samlp:StatusDetail.");
add("assertion-in-advice", responseXml(signAssertion(assertionXml({
  advice: `\n    <saml:Advice>${assertionXml({ id: "_advice_assertion_ID", nameId: EVIL })}</saml:Advice>`,
}))), "Signed assertion carrying another assertion in Advice.");
add("second-assertion-appended", `${baseline.replace("</samlp:Response>", "")}${assertionXml({ id: `${ctx.assertionId}_attack`, nameId: EVIL })}\n</samlp:Response>`,
  "Unsigned assertion appended after the signed one (CVE-2022-41912).");
add("namespace-confusion", baseline.replace("\n  <samlp:Status>", `\n  <saml:Assertion xmlns:saml="urn:evil" ID="_evil_assertion_ID"><saml:Subject><saml:NameID>${EVIL}</saml:NameID></saml:Subject></saml:Assertion>\n  <samlp:Status>`),
  "Element named saml:Assertion in a foreign namespace next to the real one.");

// Status
add("status-responder", responseXml("", {
  status: `<samlp:Status>
    <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">
      <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/>
    </samlp:StatusCode>
    <samlp:StatusMessage>User is not assigned to this application</samlp:StatusMessage>
  </samlp:Status>`,
}), "Non-Success status with a second-level code and message, no assertion.");
add("status-requester-with-assertion", responseXml(signedAssertion, {
  status: `<samlp:Status>
    <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Requester"/>
  </samlp:Status>`,
}), "Non-Success status but a (signed) assertion is present.");

// XXE / DTD (prepended to the valid baseline)
add("xxe-file", `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n${baseline.replace(`>${ctx.nameId}</saml:NameID>`, ">&x;</saml:NameID>")}`, "External entity in NameID.");
add("xxe-parameter-entity", `<?xml version="1.0"?>\n<!DOCTYPE foo [ <!ENTITY % xxe SYSTEM "http://canary.invalid/x"> %xxe; ]>\n${baseline}`, "Parameter-entity out-of-band fetch.");
add("doctype", `<!DOCTYPE samlp:Response>\n${baseline}`, "Plain DOCTYPE.");
{
  let dtd = '<!ENTITY lol "lol">';
  for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i === 1 ? "" : i - 1};`.repeat(10)}">`;
  add("billion-laughs", `<?xml version="1.0"?>\n<!DOCTYPE lolz [${dtd}]>\n${baseline.replace(`>${ctx.nameId}</saml:NameID>`, ">&lol9;</saml:NameID>")}`, "Nested entity expansion.");
}

// ---------------------------------------------------------------------------------------------------
for (const f of fs.readdirSync(outDir)) fs.unlinkSync(path.join(outDir, f));
const manifest = { generator: "xml-crypto + @xmldom/xmldom + node:crypto + openssl", context: ctx, vectors: {} };
for (const [name, { xml, note }] of Object.entries(vectors)) {
  fs.writeFileSync(path.join(outDir, `${name}.xml`), xml);
  manifest.vectors[name] = { note, bytes: Buffer.byteLength(xml) };
}
// IdP metadata: current signing cert (use="signing"), rollover cert (no use), and an encryption-only cert
// that must not be pinned for signatures.
{
  const der = (pem) => pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const key = (use, pem) => `
    <md:KeyDescriptor${use ? ` use="${use}"` : ""}>
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>${der(pem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>`;
  const entity = (id, body, attrs = "") => `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="${NS.ds}" entityID="${id}"${attrs}>${body}
</md:EntityDescriptor>`;
  const idpBody = (certs) => `
  <md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${certs}
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp-a.example.com/saml/slo"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp-a.example.com/saml/sso?tenant=acme"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp-a.example.com/saml/sso/post"/>
  </md:IDPSSODescriptor>`;
  const metaDir = path.join(outRoot, "metadata");
  fs.mkdirSync(metaDir, { recursive: true });
  const idpA = entity(ctx.idpEntityId, idpBody(key("signing", keys.idpA.cert) + key(null, keys.idpANext.cert) + key("encryption", keys.sp.cert)),
    ' validUntil="2030-06-01T00:00:00Z" cacheDuration="PT6H"');
  fs.writeFileSync(path.join(metaDir, "idp-a.xml"), `<?xml version="1.0" encoding="UTF-8"?>\n${idpA}\n`);
  const idpB = entity(ctx.idpBEntityId, idpBody(key("signing", keys.idpB.cert)));
  const sp = entity("https://sp.example.org/sp", `
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example.org/acs" index="0"/>
  </md:SPSSODescriptor>`);
  fs.writeFileSync(path.join(metaDir, "federation.xml"), `<?xml version="1.0" encoding="UTF-8"?>
<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" validUntil="2030-02-01T00:00:00Z">
${idpA}
${idpB}
${sp}
</md:EntitiesDescriptor>
`);
}

fs.writeFileSync(path.join(outRoot, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote ${Object.keys(vectors).length} vectors to ${outDir}`);

if (check) {
  const drift = [];
  for (const sub of ["responses", "metadata"]) {
    const fresh = fs.readdirSync(path.join(outRoot, sub)).sort();
    const committed = fs.existsSync(path.join(here, sub)) ? fs.readdirSync(path.join(here, sub)).sort() : [];
    if (fresh.join() !== committed.join()) drift.push(`${sub}: file set differs`);
    for (const f of fresh) {
      if (f.includes("encrypted") || !committed.includes(f)) continue;
      const a = fs.readFileSync(path.join(outRoot, sub, f));
      const b = fs.readFileSync(path.join(here, sub, f));
      if (!a.equals(b)) drift.push(`${sub}/${f}`);
    }
  }
  fs.rmSync(outRoot, { recursive: true, force: true });
  if (drift.length > 0) {
    console.error(`committed vectors differ from generate.mjs output (run 'npm run generate' and commit):\n  ${drift.join("\n  ")}`);
    process.exit(1);
  }
  console.log("committed vectors match the generator");
}
