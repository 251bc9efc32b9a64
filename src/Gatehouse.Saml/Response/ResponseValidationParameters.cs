using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gatehouse.Saml;

/// <summary>Everything one ACS POST is validated against. Built per request by the host from the tenant's
/// provider settings and the browser-bound request state, never from the message itself (CVE-2023-41890).</summary>
public sealed record ResponseValidationParameters
{
    /// <summary>The <c>SAMLResponse</c> form value as posted (base64). Set this or <see cref="SamlResponseXml"/>.</summary>
    public string? SamlResponse { get; init; }

    /// <summary>The already base64-decoded Response XML. Set this or <see cref="SamlResponse"/>.</summary>
    public ReadOnlyMemory<byte>? SamlResponseXml { get; init; }

    /// <summary>The IdP entity ID from the tenant's metadata; Response and Assertion Issuer must equal it.</summary>
    public required string ExpectedIssuer { get; init; }

    /// <summary>Pinned IdP signing certificates (current and rollover). Only their public keys are used:
    /// no chain building, no expiry check, and KeyInfo in the message is never consulted.</summary>
    public required IReadOnlyList<X509Certificate2> TrustedSigningCertificates { get; init; }

    /// <summary>This tenant's SP entity ID: the required Audience.</summary>
    public required string SpEntityId { get; init; }

    /// <summary>This tenant's ACS URL from configuration (never from the Host header): Destination and Recipient.</summary>
    public required string AcsUrl { get; init; }

    /// <summary>The ID of the AuthnRequest this browser started, or null for an IdP-initiated response.</summary>
    public string? ExpectedInResponseTo { get; init; }

    /// <summary>Accept unsolicited responses when <see cref="ExpectedInResponseTo"/> is null (login-CSRF risk).</summary>
    public bool AllowIdpInitiated { get; init; }

    /// <summary>The current instant, from the host's TimeProvider.</summary>
    public required DateTimeOffset Now { get; init; }

    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Accept RSA-SHA1 signatures and SHA-1 digests (legacy IdPs only).</summary>
    public bool AllowSha1 { get; init; }

    /// <summary>Refuse responses whose assertion is covered only by the Response signature.</summary>
    public bool RequireAssertionSignature { get; init; }

    /// <summary>SP private keys for EncryptedAssertion (current and next).</summary>
    public IReadOnlyList<RSA> DecryptionKeys { get; init; } = [];

    /// <summary>Accept AES-CBC encrypted assertions (ADFS and older Shibboleth default to it). GCM is always accepted.</summary>
    public bool AllowAesCbc { get; init; } = true;

    /// <summary>Cap on the encoded (base64) size; the decoded XML is capped at three quarters of it.</summary>
    public int MaxEncodedSize { get; init; } = 256 * 1024;
}
