namespace Gatehouse.Saml;

/// <summary>The identity carried by a validated assertion. Every value was read from the very DOM node that
/// a verified signature covers.</summary>
public sealed record SamlAssertion
{
    /// <summary>Full text of NameID (all text nodes joined, so a comment split cannot shorten it).</summary>
    public required string NameId { get; init; }
    public string? NameIdFormat { get; init; }
    public string? NameQualifier { get; init; }
    public string? SpNameQualifier { get; init; }
    public required string Issuer { get; init; }
    public required string AssertionId { get; init; }
    public required string ResponseId { get; init; }
    public string? InResponseTo { get; init; }
    public string? SessionIndex { get; init; }
    public DateTimeOffset? AuthnInstant { get; init; }
    public DateTimeOffset? SessionNotOnOrAfter { get; init; }
    public string? AuthnContextClassRef { get; init; }

    /// <summary>The latest NotOnOrAfter of the assertion (Conditions, bearer SubjectConfirmationData): keep
    /// <see cref="AssertionId"/> in the replay cache until this instant plus the clock skew (Profiles §4.1.4.3).</summary>
    public required DateTimeOffset NotOnOrAfter { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes { get; init; }
    public required bool ResponseSigned { get; init; }
    public required bool AssertionSigned { get; init; }
    public required bool WasEncrypted { get; init; }
}

public sealed class SamlValidationResult
{
    private SamlValidationResult(SamlAssertion? assertion, SamlError? error)
    {
        Assertion = assertion;
        Error = error;
    }

    public SamlAssertion? Assertion { get; }
    public SamlError? Error { get; }
    public bool Succeeded => Assertion is not null;

    public static SamlValidationResult Success(SamlAssertion assertion) => new(assertion, null);
    public static SamlValidationResult Failure(SamlError error) => new(null, error);

    public override string ToString() => Succeeded ? $"Success: {Assertion!.NameId}" : $"Failure: {Error}";
}
