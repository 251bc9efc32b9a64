namespace Gatehouse.Saml;

/// <summary>Stable, machine-readable reasons an input was refused. Values are part of the audit contract:
/// append new members, never renumber or reuse.</summary>
public enum SamlErrorCode
{
    // Transport and parsing
    InvalidEncoding = 1,
    MessageTooLarge = 2,
    MalformedXml = 3,
    DtdProhibited = 4,

    // Message structure
    NotAResponse = 10,
    UnsupportedVersion = 11,
    InvalidStructure = 12,
    MissingId = 13,
    DuplicateId = 14,
    MissingAssertion = 15,
    MultipleAssertions = 16,
    StatusNotSuccess = 17,

    // Signatures
    SignatureMissing = 30,
    AssertionSignatureRequired = 31,
    SignatureMalformed = 32,
    SignatureReferenceInvalid = 33,
    TransformNotAllowed = 34,
    CanonicalizationNotAllowed = 35,
    SignatureAlgorithmNotAllowed = 36,
    DigestAlgorithmNotAllowed = 37,
    SignatureInvalid = 38,
    DigestMismatch = 39,
    NoTrustedKeys = 40,

    // Encryption
    EncryptionAlgorithmNotAllowed = 50,
    DecryptionFailed = 51,
    NoDecryptionKey = 52,

    // Protocol rules
    IssuerMissing = 60,
    IssuerMismatch = 61,
    DestinationMissing = 62,
    DestinationMismatch = 63,
    AudienceRestrictionMissing = 64,
    AudienceMismatch = 65,
    UnknownCondition = 66,
    SubjectConfirmationMissing = 67,
    RecipientMismatch = 68,
    SubjectConfirmationExpired = 69,
    InResponseToMismatch = 70,
    UnsolicitedResponse = 71,
    NotYetValid = 72,
    Expired = 73,
    InvalidTimestamp = 74,
    NameIdMissing = 75,
    DuplicateAttribute = 76,

    // Metadata
    MetadataInvalid = 90,
    MetadataNoIdpDescriptor = 91,
    MetadataNoSsoService = 92,
    MetadataInvalidCertificate = 93,
    MetadataNoSigningCertificate = 94,
}

/// <summary>An expected failure: a stable code, a sentence for an administrator, and when useful what was
/// wanted versus what the message carried. Never contains keys; <see cref="Got"/> may echo message content,
/// so hosts must encode it before showing it.</summary>
public sealed record SamlError(SamlErrorCode Code, string Message, string? Want = null, string? Got = null)
{
    public override string ToString() =>
        Want is null && Got is null ? $"{Code}: {Message}" : $"{Code}: {Message} (want '{Want}', got '{Got}')";
}
