namespace Gatehouse.Saml.Tests;

/// <summary>Issuer (§1.6), audience (§1.8), Destination/Recipient (§1.9), InResponseTo (§1.10), time (§1.11)
/// and Status (§1.19). Each vector is validly signed by the pinned IdP key; only the rule under test fails.</summary>
public class ProtocolRuleTests
{
    [Fact]
    public void Assertion_AudienceOfAnotherTenant_IsRejected()
    {
        var error = Expect.Rejected("wrong-audience", SamlErrorCode.AudienceMismatch);

        Assert.Equal(Vectors.SpEntityId, error.Want);
        Assert.Equal("https://sp.gatehouse.test/t/other/saml", error.Got);
    }

    [Fact]
    public void Assertion_SpEntityIdConfiguredDifferently_IsRejected()
    {
        var result = Vectors.Validate(Vectors.Baseline, p => p with { SpEntityId = Vectors.SpEntityId + "/" });

        Assert.Equal(SamlErrorCode.AudienceMismatch, result.Error?.Code); // exact, ordinal: no trailing-slash leniency
        Expect.Accepted(Vectors.Baseline);
    }

    [Fact]
    public void Assertion_RecipientOfAnotherAcs_IsRejected()
    {
        Expect.Rejected("wrong-recipient", SamlErrorCode.RecipientMismatch);
    }

    [Fact]
    public void Response_DestinationOfAnotherAcs_IsRejected()
    {
        Expect.Rejected("wrong-destination", SamlErrorCode.DestinationMismatch);
    }

    [Fact]
    public void Response_SignedWithoutDestination_IsRejected()
    {
        Expect.Rejected("response-signed-no-destination", SamlErrorCode.DestinationMissing, control: "valid-response-signed");
    }

    [Fact]
    public void Response_AnsweringAnotherRequest_IsRejected()
    {
        Expect.Rejected("wrong-in-response-to", SamlErrorCode.InResponseToMismatch);
    }

    [Fact]
    public void Assertion_SubjectConfirmationAnsweringAnotherRequest_IsRejected()
    {
        Expect.Rejected("scd-in-response-to-mismatch", SamlErrorCode.InResponseToMismatch);
    }

    [Fact]
    public void Response_UnsolicitedWhenNotAllowed_IsRejected()
    {
        var result = Vectors.Validate("valid-unsolicited", p => p with { ExpectedInResponseTo = null, AllowIdpInitiated = false });

        Assert.Equal(SamlErrorCode.UnsolicitedResponse, result.Error?.Code);
        Expect.Accepted("valid-unsolicited", p => p with { ExpectedInResponseTo = null, AllowIdpInitiated = true });
    }

    [Fact]
    public void Response_SolicitedResponseWhenNoRequestPending_IsRejected()
    {
        // IdP-initiated allowed, but this response claims to answer a request the browser never made.
        Expect.Rejected(Vectors.Baseline, SamlErrorCode.InResponseToMismatch,
            p => p with { ExpectedInResponseTo = null, AllowIdpInitiated = true }, control: "valid-unsolicited");
    }

    [Fact]
    public void Response_UnsolicitedWhenRequestPending_IsRejected()
    {
        Expect.Rejected("valid-unsolicited", SamlErrorCode.InResponseToMismatch);
    }

    [Fact]
    public void Assertion_Expired_IsRejected()
    {
        Expect.Rejected("expired", SamlErrorCode.Expired);
    }

    [Fact]
    public void Assertion_NotYetValid_IsRejected()
    {
        Expect.Rejected("not-yet-valid", SamlErrorCode.NotYetValid);
    }

    [Fact]
    public void Assertion_NotYetValidButWithinSkew_IsAccepted()
    {
        var error = Vectors.Validate("not-yet-valid", p => p with { ClockSkew = TimeSpan.FromMinutes(9) }).Error;
        Assert.Equal(SamlErrorCode.NotYetValid, error?.Code);

        Expect.Accepted("not-yet-valid", p => p with { ClockSkew = TimeSpan.FromMinutes(10) });
    }

    [Fact]
    public void Assertion_NotOnOrAfterExactlyNow_IsRejected()
    {
        // NotOnOrAfter is exclusive (Core §2.5.1.2): at that very instant the assertion is already expired.
        Expect.Rejected("not-on-or-after-now", SamlErrorCode.Expired, p => p with { ClockSkew = TimeSpan.Zero });
    }

    [Fact]
    public void Assertion_ExpiredBeyondSkew_IsRejected()
    {
        var error = Vectors.Validate(Vectors.Baseline, p => p with { Now = Vectors.Now.AddMinutes(8) }).Error;

        Assert.Equal(SamlErrorCode.Expired, error?.Code); // NotOnOrAfter now+5m, skew 3m: refused from now+8m
        Expect.Accepted(Vectors.Baseline, p => p with { Now = Vectors.Now.AddMinutes(8).AddTicks(-1) });
    }

    [Fact]
    public void Assertion_SubjectConfirmationExpired_IsRejected()
    {
        Expect.Rejected("scd-expired", SamlErrorCode.SubjectConfirmationExpired);
    }

    [Fact]
    public void Assertion_TimestampWithOffset_IsRejected()
    {
        Expect.Rejected("time-with-offset", SamlErrorCode.InvalidTimestamp);
    }

    [Fact]
    public void Assertion_IssuedByAnotherIdp_IsRejected()
    {
        Expect.Rejected("wrong-issuer", SamlErrorCode.IssuerMismatch);
    }

    [Fact]
    public void Response_IssuerOfAnotherIdp_IsRejected()
    {
        Expect.Rejected("wrong-response-issuer", SamlErrorCode.IssuerMismatch);
    }

    [Fact]
    public void Response_ValidForTenantBPostedToTenantA_IsRejected()
    {
        // Tenant B's settings accept it; tenant A's do not (signature by a key A does not pin).
        var forTenantB = Vectors.Validate("idp-b-signed", p => p with { ExpectedIssuer = Vectors.IdpBEntityId, TrustedSigningCertificates = [Vectors.IdpB] });
        Assert.True(forTenantB.Succeeded, forTenantB.ToString());

        Expect.Rejected("idp-b-signed", SamlErrorCode.SignatureInvalid);
    }

    [Fact]
    public void Response_StatusResponder_IsRejectedWithReadableReason()
    {
        var error = Expect.Rejected("status-responder", SamlErrorCode.StatusNotSuccess);

        Assert.Contains("Responder", error.Message);
        Assert.Contains("RequestDenied", error.Message);
        Assert.Contains("User is not assigned to this application", error.Message);
        Assert.Contains("urn:oasis:names:tc:SAML:2.0:status:RequestDenied", error.Got);
    }

    [Fact]
    public void Response_NonSuccessStatusWithAssertion_IsRejected()
    {
        Expect.Rejected("status-requester-with-assertion", SamlErrorCode.StatusNotSuccess);
    }
}
