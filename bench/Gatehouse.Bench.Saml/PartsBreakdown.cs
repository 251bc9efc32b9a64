using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using Gatehouse.Saml;

namespace Gatehouse.Bench.Saml;

internal static class PartsBreakdown
{
    public static void Run()
    {
        var b = new ResponseValidationBenchmarks();
        b.Setup();
        var (xml, certificate, key, parameters) = b.Inputs;
        var document = SafeXml.Load(xml, 1 << 20, out _)!;
        var assertion = (XmlElement)document.GetElementsByTagName("Assertion", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!;
        var signature = (XmlElement)assertion.GetElementsByTagName("Signature", "http://www.w3.org/2000/09/xmldsig#")[0]!;
        var info = SignatureInfo.Parse(signature, assertion, false, out _)!;

        Measure("base64 decode", () => Convert.FromBase64String(parameters.SamlResponse!).Length > 0);
        Measure("safe parse (SafeXml.Load)", () => SafeXml.Load(xml, 1 << 20, out _) is not null);
        Measure("cert.GetRSAPublicKey + Dispose", () => { using var k = certificate.GetRSAPublicKey()!; return k.KeySize > 0; });
        Measure("signature pre-validation", () => SignatureInfo.Parse(signature, assertion, false, out _) is not null);
        Measure("own exc-c14n of assertion", () => ExclusiveCanonicalizer.Canonicalize(assertion, signature, false, null)!.Length > 0);
        Measure("lean verify (SignedInfo c14n + RSA + digest)", () => SignatureVerifier.Verify(info, [key]) is null);
        Measure("floor", b.Floor);
        Measure("full Validate", b.FullValidation);
    }

    private static void Measure(string name, Func<bool> action)
    {
        for (int i = 0; i < 300; i++) action();
        const int n = 3000;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            if (!action()) throw new InvalidOperationException(name);
        }
        Console.WriteLine($"{name,-48} {clock.Elapsed.TotalMicroseconds / n,8:F1} us");
    }
}
