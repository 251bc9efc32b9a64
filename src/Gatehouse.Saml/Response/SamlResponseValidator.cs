using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Gatehouse.Saml;

/// <summary>Validates a SAML 2.0 Web Browser SSO Response received with the HTTP-POST binding.
/// Order (catalogue §1.0): size and encoding → one safe parse → structure (no crypto yet) → signature
/// pre-validation → pinned-key cryptography → decryption → coverage policy → protocol rules on the covered
/// assertion. Every refusal is a <see cref="SamlError"/>; exceptions mean a bug.</summary>
public static class SamlResponseValidator
{
    public static SamlValidationResult Validate(ResponseValidationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if ((parameters.SamlResponse is null) == (parameters.SamlResponseXml is null))
        {
            throw new ArgumentException("Set exactly one of SamlResponse and SamlResponseXml.", nameof(parameters));
        }
        var error = new Run(parameters).Execute(out var assertion);
        return error is null ? SamlValidationResult.Success(assertion!) : SamlValidationResult.Failure(error);
    }

    private sealed class Run(ResponseValidationParameters p)
    {
        private List<RSA>? _keys;

        public SamlError? Execute(out SamlAssertion? result)
        {
            result = null;

            // 1. Size cap and strict base64 (Bindings §3.5.4; catalogue §1.19).
            ReadOnlyMemory<byte> xml;
            long maxDecoded = (long)p.MaxEncodedSize * 3 / 4;
            if (p.SamlResponse is { } encoded)
            {
                if (encoded.Length > p.MaxEncodedSize) return TooLarge(p.MaxEncodedSize, encoded.Length);
                var decoded = SafeXml.DecodeBase64(encoded, out var decodeError);
                if (decoded is null) return decodeError;
                xml = decoded;
            }
            else
            {
                xml = p.SamlResponseXml!.Value;
                if (xml.Length > maxDecoded) return TooLarge(maxDecoded, xml.Length);
            }

            // 2. One parse, DTDs prohibited, whitespace preserved.
            var document = SafeXml.Load(xml, maxDecoded, out var parseError);
            if (document is null) return parseError;
            var response = document.DocumentElement!;

            // 3. Structure before any cryptography.
            if (!response.Is(SamlNames.Protocol, "Response"))
            {
                return new SamlError(SamlErrorCode.NotAResponse, "The message is not a SAML 2.0 protocol Response.",
                    "{" + SamlNames.Protocol + "}Response", "{" + response.NamespaceURI + "}" + response.LocalName);
            }
            if (response.Attr("Version") != "2.0")
            {
                return new SamlError(SamlErrorCode.UnsupportedVersion, "Only SAML 2.0 responses are accepted.", "2.0", response.Attr("Version"));
            }
            if (string.IsNullOrEmpty(response.Attr("ID")))
            {
                return new SamlError(SamlErrorCode.MissingId, "The Response has no ID.");
            }
            if (!SamlDateTime.TryParse(response.Attr("IssueInstant"), out _))
            {
                return new SamlError(SamlErrorCode.InvalidTimestamp, "The Response IssueInstant is not a UTC xs:dateTime (SAML Core §1.3.3).",
                    "yyyy-MM-ddTHH:mm:ss[.fff]Z", response.Attr("IssueInstant") ?? "(none)");
            }
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var scan = DocumentScan.Run(response, ids);
            if (scan.Error is not null) return scan.Error;

            var layout = ResponseLayout.Read(response, out var layoutError);
            if (layout is null) return layoutError;

            // Status before "where is the assertion": a refusal from the IdP should read as such
            // (and non-Success with an assertion is refused too: catalogue §1.19).
            var statusError = StatusCheck.Check(layout.Status);
            if (statusError is not null) return statusError;
            if (layout.Assertion is null)
            {
                return new SamlError(SamlErrorCode.MissingAssertion, "The Response contains no Assertion.");
            }

            // Signatures may only sit where SAML puts them: directly in the Response or in its one assertion.
            // Anywhere else (Extensions, StatusDetail, ds:Object) they are wrapping debris (CVE-2024-45409).
            foreach (var signature in scan.Signatures)
            {
                if (!ReferenceEquals(signature, layout.ResponseSignature) && !ReferenceEquals(signature.ParentNode, layout.Assertion))
                {
                    return new SamlError(SamlErrorCode.SignatureMalformed,
                        $"A ds:Signature sits inside {signature.ParentNode?.Name}, where SAML allows none.");
                }
            }

            // 4. Pre-validate every present signature, then verify each with the pinned keys: any present
            //    signature that does not verify rejects the message (node-saml #58 class).
            bool encrypted = layout.Assertion.LocalName == "EncryptedAssertion";
            SignatureInfo? responseSignature = null, assertionSignature = null;
            if (layout.ResponseSignature is not null)
            {
                responseSignature = SignatureInfo.Parse(layout.ResponseSignature, response, p.AllowSha1, out var e);
                if (responseSignature is null) return e;
            }
            XmlElement assertion = layout.Assertion;
            if (!encrypted)
            {
                var assertionLayoutError = AssertionLayout.Check(assertion, out var signatureElement);
                if (assertionLayoutError is not null) return assertionLayoutError;
                if (signatureElement is not null)
                {
                    assertionSignature = SignatureInfo.Parse(signatureElement, assertion, p.AllowSha1, out var e);
                    if (assertionSignature is null) return e;
                }
            }
            if (responseSignature is not null)
            {
                var e = VerifyWithPinnedKeys(responseSignature);
                if (e is not null) return e;
            }

            // 5. Decrypt after the Response signature (which covers the ciphertext) has been checked.
            if (encrypted)
            {
                if (p.DecryptionKeys.Count == 0)
                {
                    return new SamlError(SamlErrorCode.NoDecryptionKey, "The assertion is encrypted but no SP decryption key is configured.");
                }
                var decrypted = AssertionDecryptor.Decrypt(assertion, p.DecryptionKeys, p.AllowAesCbc, maxDecoded, out var e);
                if (decrypted is null) return e;
                var decryptedError = CheckDecrypted(decrypted, ids, out var signatureElement);
                if (decryptedError is not null) return decryptedError;
                assertion = decrypted;
                if (signatureElement is not null)
                {
                    assertionSignature = SignatureInfo.Parse(signatureElement, assertion, p.AllowSha1, out e);
                    if (assertionSignature is null) return e;
                }
            }
            if (assertionSignature is not null)
            {
                var e = VerifyWithPinnedKeys(assertionSignature);
                if (e is not null) return e;
            }

            // 6. Coverage: the assertion we read must be the signed Assertion itself, or the direct child of the
            //    signed Response (Profiles §4.1.4.5). Both are true by construction of `assertion` above.
            if (responseSignature is null && assertionSignature is null)
            {
                return new SamlError(SamlErrorCode.SignatureMissing,
                    "Neither the Response nor the Assertion is signed.", "a signed Response or Assertion", "no signature");
            }
            if (p.RequireAssertionSignature && assertionSignature is null)
            {
                return new SamlError(SamlErrorCode.AssertionSignatureRequired,
                    "This provider requires the Assertion itself to be signed; only the Response is.");
            }

            // 7. Protocol rules on the Response envelope, then on the covered assertion.
            var envelopeError = EnvelopeRules.Check(response, responseSignature is not null, p);
            if (envelopeError is not null) return envelopeError;
            return AssertionRules.Check(assertion, response, p, responseSignature is not null,
                assertionSignature is not null, encrypted, out result);
        }

        private SamlError? VerifyWithPinnedKeys(SignatureInfo signature)
        {
            _keys ??= TrustedKeys(p.TrustedSigningCertificates);
            if (_keys.Count == 0)
            {
                return new SamlError(SamlErrorCode.NoTrustedKeys,
                    "No usable IdP signing certificate is configured (RSA, 2048 bits or more).");
            }
            return SignatureVerifier.Verify(signature, _keys);
        }

        private static List<RSA> TrustedKeys(IReadOnlyList<X509Certificate2> certificates)
        {
            var keys = new List<RSA>(certificates.Count);
            foreach (var certificate in certificates)
            {
                if (TrustedKeyCache.Get(certificate) is { } rsa) keys.Add(rsa);
            }
            return keys;
        }

        /// <summary>The decrypted assertion gets the same structural rules as a plaintext one, and its IDs must
        /// not collide with the Response's (catalogue §1.5).</summary>
        private static SamlError? CheckDecrypted(XmlElement assertion, HashSet<string> ids, out XmlElement? signature)
        {
            signature = null;
            if (!assertion.Is(SamlNames.Assertion, "Assertion"))
            {
                return new SamlError(SamlErrorCode.InvalidStructure, "The EncryptedAssertion does not contain a saml:Assertion.",
                    "saml:Assertion", assertion.Name);
            }
            var scan = DocumentScan.Run(assertion, ids);
            if (scan.Error is not null) return scan.Error;
            var layoutError = AssertionLayout.Check(assertion, out signature);
            if (layoutError is not null) return layoutError;
            foreach (var s in scan.Signatures)
            {
                if (!ReferenceEquals(s, signature))
                {
                    return new SamlError(SamlErrorCode.SignatureMalformed,
                        $"A ds:Signature sits inside {s.ParentNode?.Name}, where SAML allows none.");
                }
            }
            return null;
        }

        private static SamlError TooLarge(long limit, long actual) =>
            new(SamlErrorCode.MessageTooLarge, "The SAML message exceeds the size limit.", $"<= {limit}", actual.ToString());

    }
}
