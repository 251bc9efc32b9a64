using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gatehouse.Saml.Tests;

/// <summary>Access to the xml-crypto generated fixtures and the context they were generated for
/// (mirrors `ctx` in tests/vectors/saml/generate.mjs).</summary>
internal static class Vectors
{
    public static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public const string SpEntityId = "https://sp.gatehouse.test/t/acme/saml";
    public const string Acs = "https://sp.gatehouse.test/t/acme/saml/acs";
    public const string IdpEntityId = "https://idp-a.example.com/saml";
    public const string IdpBEntityId = "https://idp-b.example.com/saml";
    public const string RequestId = "_0f5c2a7e9d1b4c3a8e6f0a1b2c3d4e5f";
    public const string ResponseId = "_r7d0a1c2b3e4f5a6b7c8d9e0f1a2b3c4d";
    public const string AssertionId = "_a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e";
    public const string NameId = "alice@acme.example";
    public const string Baseline = "valid-assertion-signed";

    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "vectors");

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Root, "responses", name + ".xml"));
    public static string Base64(string name) => Convert.ToBase64String(Bytes(name));
    public static string Metadata(string name) => File.ReadAllText(Path.Combine(Root, "metadata", name + ".xml"));
    public static IEnumerable<string> AllResponseNames() =>
        Directory.EnumerateFiles(Path.Combine(Root, "responses"), "*.xml").Select(f => Path.GetFileNameWithoutExtension(f)!).Order();

    public static X509Certificate2 Cert(string name) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Root, "keys", name + ".cert.pem")));

    public static RSA Key(string name)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(Path.Combine(Root, "keys", name + ".key.pem")));
        return rsa;
    }

    public static readonly X509Certificate2 IdpA = Cert("idp-a");
    public static readonly X509Certificate2 IdpANext = Cert("idp-a-next");
    public static readonly X509Certificate2 IdpB = Cert("idp-b");
    public static readonly RSA SpKey = Key("sp");
    public static readonly RSA SpNextKey = Key("sp-next");

    /// <summary>Tenant A's settings, as the ACS endpoint would build them.</summary>
    public static ResponseValidationParameters Parameters(string vector) => new()
    {
        SamlResponse = Base64(vector),
        ExpectedIssuer = IdpEntityId,
        TrustedSigningCertificates = [IdpA, IdpANext],
        SpEntityId = SpEntityId,
        AcsUrl = Acs,
        ExpectedInResponseTo = RequestId,
        Now = Now,
        DecryptionKeys = [SpKey, SpNextKey],
    };

    public static SamlValidationResult Validate(string vector, Func<ResponseValidationParameters, ResponseValidationParameters>? adjust = null) =>
        SamlResponseValidator.Validate((adjust ?? (x => x))(Parameters(vector)));
}

/// <summary>Every negative assertion runs its positive control in the same test: the control vector must pass
/// with the very same parameters, so a broken fixture or setting cannot make a rejection look meaningful.</summary>
internal static class Expect
{
    public static SamlAssertion Accepted(string vector, Func<ResponseValidationParameters, ResponseValidationParameters>? adjust = null)
    {
        var result = Vectors.Validate(vector, adjust);
        Assert.True(result.Succeeded, $"{vector} should be accepted but was refused: {result.Error}");
        Assert.Null(result.Error);
        return result.Assertion!;
    }

    public static SamlError Rejected(string vector, SamlErrorCode code,
        Func<ResponseValidationParameters, ResponseValidationParameters>? adjust = null, string control = Vectors.Baseline)
    {
        Accepted(control, adjust);
        var result = Vectors.Validate(vector, adjust);
        Assert.False(result.Succeeded, $"{vector} should be refused with {code} but was accepted as {result.Assertion?.NameId}");
        Assert.Null(result.Assertion);
        Assert.Equal(code, result.Error!.Code);
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
        return result.Error;
    }
}
