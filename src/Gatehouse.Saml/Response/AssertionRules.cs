using System.Xml;

namespace Gatehouse.Saml;

/// <summary>Response envelope rules: issuer, Destination, InResponseTo / unsolicited.</summary>
internal static class EnvelopeRules
{
    public static SamlError? Check(XmlElement response, bool responseSigned, ResponseValidationParameters p)
    {
        // Issuer of the Response is optional, but when present it must be the tenant's IdP (catalogue §1.6).
        var issuer = SafeXml.Child(response, SamlNames.Assertion, "Issuer");
        if (issuer is not null)
        {
            var error = AssertionRules.CheckIssuer(issuer, p.ExpectedIssuer, "Response");
            if (error is not null) return error;
        }

        // Bindings §3.5.5.2: a signed Response must carry Destination, and any Destination must be this ACS
        // (from configuration, so a Host-header spoof cannot make it match).
        string? destination = response.Attr("Destination");
        if (destination is null && responseSigned)
        {
            return new SamlError(SamlErrorCode.DestinationMissing, "A signed Response must state its Destination.", p.AcsUrl, null);
        }
        if (destination is not null && !string.Equals(destination, p.AcsUrl, StringComparison.Ordinal))
        {
            return new SamlError(SamlErrorCode.DestinationMismatch, "The Response was sent to another endpoint.", p.AcsUrl, destination);
        }

        // Profiles §4.1.4.2 / §4.1.5: solicited responses answer our request; unsolicited ones only if allowed
        // (login CSRF risk) and then must not claim to answer some other request.
        string? inResponseTo = response.Attr("InResponseTo");
        if (p.ExpectedInResponseTo is null)
        {
            if (!p.AllowIdpInitiated)
            {
                return new SamlError(SamlErrorCode.UnsolicitedResponse,
                    "No sign-in was started from here and IdP-initiated sign-in is not allowed for this provider.",
                    "a response to our AuthnRequest", inResponseTo ?? "unsolicited");
            }
            if (inResponseTo is not null)
            {
                return new SamlError(SamlErrorCode.InResponseToMismatch,
                    "The Response answers a request this browser did not make.", "(none)", inResponseTo);
            }
        }
        else if (!string.Equals(inResponseTo, p.ExpectedInResponseTo, StringComparison.Ordinal))
        {
            return new SamlError(SamlErrorCode.InResponseToMismatch,
                "The Response does not answer the sign-in request this browser started.", p.ExpectedInResponseTo, inResponseTo ?? "(none)");
        }
        return null;
    }
}

/// <summary>Rules on the covered assertion (SAML Core §2.3–2.7, Profiles §4.1.4.2–4.1.4.3).</summary>
internal static class AssertionRules
{
    public static SamlError? Check(XmlElement assertion, XmlElement response, ResponseValidationParameters p,
        bool responseSigned, bool assertionSigned, bool encrypted, out SamlAssertion? result)
    {
        result = null;
        var now = p.Now;
        var skew = p.ClockSkew;

        var issuerError = CheckIssuer(SafeXml.Child(assertion, SamlNames.Assertion, "Issuer")!, p.ExpectedIssuer, "Assertion");
        if (issuerError is not null) return issuerError;
        if (!SamlDateTime.TryParse(assertion.Attr("IssueInstant"), out _)) return BadTime("Assertion IssueInstant", assertion.Attr("IssueInstant"));

        // Conditions: time window with symmetric skew, NotOnOrAfter exclusive (Core §2.5.1.2); every
        // AudienceRestriction must name us (AND across, OR within: Core §2.5.1.4); unknown conditions make
        // the assertion Indeterminate (Core §2.5.1) and are refused.
        var conditions = SafeXml.Child(assertion, SamlNames.Assertion, "Conditions");
        if (conditions is null)
        {
            return new SamlError(SamlErrorCode.AudienceRestrictionMissing, "The Assertion has no Conditions/AudienceRestriction (Profiles §4.1.4.2).");
        }
        DateTimeOffset? conditionsNotOnOrAfter = null;
        if (conditions.Attr("NotBefore") is { } notBeforeText)
        {
            if (!SamlDateTime.TryParse(notBeforeText, out var notBefore)) return BadTime("Conditions NotBefore", notBeforeText);
            if (now + skew < notBefore)
            {
                return new SamlError(SamlErrorCode.NotYetValid, "The Assertion is not valid yet (check the IdP's and our clocks).",
                    $"now ({SamlDateTime.Format(now)}) + skew >= NotBefore", notBeforeText);
            }
        }
        if (conditions.Attr("NotOnOrAfter") is { } notOnOrAfterText)
        {
            if (!SamlDateTime.TryParse(notOnOrAfterText, out var notOnOrAfter)) return BadTime("Conditions NotOnOrAfter", notOnOrAfterText);
            if (now - skew >= notOnOrAfter)
            {
                return new SamlError(SamlErrorCode.Expired, "The Assertion has expired.",
                    $"now ({SamlDateTime.Format(now)}) - skew < NotOnOrAfter", notOnOrAfterText);
            }
            conditionsNotOnOrAfter = notOnOrAfter;
        }
        int audienceRestrictions = 0;
        foreach (var condition in SafeXml.ElementChildren(conditions, strict: false) ?? [])
        {
            if (condition.Is(SamlNames.Assertion, "AudienceRestriction"))
            {
                audienceRestrictions++;
                var audiences = SafeXml.Children(condition, SamlNames.Assertion, "Audience").Select(a => a.InnerText.Trim()).ToList();
                if (!audiences.Contains(p.SpEntityId, StringComparer.Ordinal))
                {
                    return new SamlError(SamlErrorCode.AudienceMismatch, "The Assertion is meant for another service provider.",
                        p.SpEntityId, audiences.Count == 0 ? "(no Audience)" : string.Join(" ", audiences));
                }
            }
            else if (!condition.Is(SamlNames.Assertion, "OneTimeUse") && !condition.Is(SamlNames.Assertion, "ProxyRestriction"))
            {
                return new SamlError(SamlErrorCode.UnknownCondition, "The Assertion carries a condition this SP does not understand.",
                    "AudienceRestriction, OneTimeUse, ProxyRestriction", condition.Name);
            }
        }
        if (audienceRestrictions == 0)
        {
            return new SamlError(SamlErrorCode.AudienceRestrictionMissing, "The Assertion has no AudienceRestriction (Profiles §4.1.4.2).");
        }

        // Subject: NameID read as the full text of the element inside the covered assertion (comment split,
        // Duo 2018), and one bearer confirmation satisfying every rule.
        var subject = SafeXml.Child(assertion, SamlNames.Assertion, "Subject");
        var nameId = subject is null ? null : SafeXml.Child(subject, SamlNames.Assertion, "NameID");
        if (nameId is null || string.IsNullOrWhiteSpace(nameId.InnerText))
        {
            return new SamlError(SamlErrorCode.NameIdMissing,
                subject is not null && SafeXml.Child(subject, SamlNames.Assertion, "EncryptedID") is not null
                    ? "The Assertion's NameID is encrypted (EncryptedID), which this SP does not support."
                    : "The Assertion has no Subject/NameID.");
        }
        var bearerError = CheckBearer(subject!, p, out var confirmationNotOnOrAfter);
        if (bearerError is not null) return bearerError;

        // AuthnStatement (Profiles §4.1.4.2: at least one).
        var authn = SafeXml.Child(assertion, SamlNames.Assertion, "AuthnStatement");
        if (authn is null)
        {
            return new SamlError(SamlErrorCode.InvalidStructure, "The Assertion has no AuthnStatement (Profiles §4.1.4.2).");
        }
        if (!SamlDateTime.TryParse(authn.Attr("AuthnInstant"), out var authnInstant)) return BadTime("AuthnInstant", authn.Attr("AuthnInstant"));
        DateTimeOffset? sessionNotOnOrAfter = null;
        if (authn.Attr("SessionNotOnOrAfter") is { } sessionText)
        {
            if (!SamlDateTime.TryParse(sessionText, out var sessionEnd)) return BadTime("SessionNotOnOrAfter", sessionText);
            if (now - skew >= sessionEnd)
            {
                return new SamlError(SamlErrorCode.Expired, "The IdP session this Assertion belongs to has already ended.",
                    $"now ({SamlDateTime.Format(now)}) - skew < SessionNotOnOrAfter", sessionText);
            }
            sessionNotOnOrAfter = sessionEnd;
        }
        var classRef = SafeXml.Child(authn, SamlNames.Assertion, "AuthnContext") is { } context
            ? SafeXml.Child(context, SamlNames.Assertion, "AuthnContextClassRef")?.InnerText.Trim()
            : null;

        var attributes = ReadAttributes(assertion, out var attributeError);
        if (attributes is null) return attributeError;

        var latest = conditionsNotOnOrAfter is { } c && c > confirmationNotOnOrAfter ? c : confirmationNotOnOrAfter;
        result = new SamlAssertion
        {
            NameId = nameId.InnerText,
            NameIdFormat = nameId.Attr("Format"),
            NameQualifier = nameId.Attr("NameQualifier"),
            SpNameQualifier = nameId.Attr("SPNameQualifier"),
            Issuer = p.ExpectedIssuer,
            AssertionId = assertion.Attr("ID")!,
            ResponseId = response.Attr("ID")!,
            InResponseTo = response.Attr("InResponseTo"),
            SessionIndex = authn.Attr("SessionIndex"),
            AuthnInstant = authnInstant,
            SessionNotOnOrAfter = sessionNotOnOrAfter,
            AuthnContextClassRef = classRef,
            NotOnOrAfter = latest,
            Attributes = attributes,
            ResponseSigned = responseSigned,
            AssertionSigned = assertionSigned,
            WasEncrypted = encrypted,
        };
        return null;
    }

    /// <summary>Issuer must equal the tenant's IdP entity ID exactly; Format absent or entity (Core §2.2.5).</summary>
    public static SamlError? CheckIssuer(XmlElement issuer, string expected, string where)
    {
        string value = issuer.InnerText.Trim();
        string? format = issuer.Attr("Format");
        if (format is not null && format != SamlNames.EntityNameIdFormat)
        {
            return new SamlError(SamlErrorCode.IssuerMismatch, $"The {where} Issuer has a Format other than entity.", SamlNames.EntityNameIdFormat, format);
        }
        if (!string.Equals(value, expected, StringComparison.Ordinal))
        {
            return new SamlError(SamlErrorCode.IssuerMismatch, $"The {where} was issued by another identity provider.", expected, value);
        }
        return null;
    }

    /// <summary>Profiles §4.1.4.2: at least one bearer SubjectConfirmation whose data has Recipient = ACS,
    /// NotOnOrAfter in the future, no NotBefore, and InResponseTo = our request (re-wrapped replay, §1.7e).</summary>
    private static SamlError? CheckBearer(XmlElement subject, ResponseValidationParameters p, out DateTimeOffset notOnOrAfter)
    {
        notOnOrAfter = default;
        SamlError? first = null;
        foreach (var confirmation in SafeXml.Children(subject, SamlNames.Assertion, "SubjectConfirmation"))
        {
            if (confirmation.Attr("Method") != SamlNames.BearerMethod) continue;
            var error = CheckBearerData(SafeXml.Child(confirmation, SamlNames.Assertion, "SubjectConfirmationData"), p, out notOnOrAfter);
            if (error is null) return null;
            first ??= error;
        }
        return first ?? new SamlError(SamlErrorCode.SubjectConfirmationMissing,
            "The Assertion has no bearer SubjectConfirmation.", SamlNames.BearerMethod, null);
    }

    private static SamlError? CheckBearerData(XmlElement? data, ResponseValidationParameters p, out DateTimeOffset notOnOrAfter)
    {
        notOnOrAfter = default;
        if (data is null)
        {
            return new SamlError(SamlErrorCode.SubjectConfirmationMissing, "The bearer SubjectConfirmation has no SubjectConfirmationData.");
        }
        if (data.Attr("NotBefore") is not null)
        {
            return new SamlError(SamlErrorCode.InvalidStructure, "Bearer SubjectConfirmationData must not carry NotBefore (Profiles §4.1.4.2).");
        }
        string? recipient = data.Attr("Recipient");
        if (!string.Equals(recipient, p.AcsUrl, StringComparison.Ordinal))
        {
            return new SamlError(SamlErrorCode.RecipientMismatch, "The Assertion was issued for another endpoint.", p.AcsUrl, recipient ?? "(none)");
        }
        string? notOnOrAfterText = data.Attr("NotOnOrAfter");
        if (notOnOrAfterText is null)
        {
            return new SamlError(SamlErrorCode.SubjectConfirmationMissing, "Bearer SubjectConfirmationData must carry NotOnOrAfter.");
        }
        if (!SamlDateTime.TryParse(notOnOrAfterText, out notOnOrAfter)) return BadTime("SubjectConfirmationData NotOnOrAfter", notOnOrAfterText);
        if (p.Now - p.ClockSkew >= notOnOrAfter)
        {
            return new SamlError(SamlErrorCode.SubjectConfirmationExpired, "The Assertion's bearer confirmation has expired.",
                $"now ({SamlDateTime.Format(p.Now)}) - skew < NotOnOrAfter", notOnOrAfterText);
        }
        string? inResponseTo = data.Attr("InResponseTo");
        if (!string.Equals(inResponseTo, p.ExpectedInResponseTo, StringComparison.Ordinal))
        {
            return new SamlError(SamlErrorCode.InResponseToMismatch,
                "The Assertion's SubjectConfirmationData answers another request.", p.ExpectedInResponseTo ?? "(none)", inResponseTo ?? "(none)");
        }
        return null;
    }

    private static Dictionary<string, IReadOnlyList<string>>? ReadAttributes(XmlElement assertion, out SamlError? error)
    {
        error = null;
        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var statement in SafeXml.Children(assertion, SamlNames.Assertion, "AttributeStatement"))
        {
            foreach (var attribute in SafeXml.Children(statement, SamlNames.Assertion, "Attribute"))
            {
                string? name = attribute.Attr("Name");
                if (string.IsNullOrEmpty(name))
                {
                    error = new SamlError(SamlErrorCode.InvalidStructure, "An Attribute has no Name.");
                    return null;
                }
                var values = new List<string>();
                foreach (var value in SafeXml.Children(attribute, SamlNames.Assertion, "AttributeValue"))
                {
                    if (value.GetAttribute("nil", "http://www.w3.org/2001/XMLSchema-instance") is "true" or "1") continue;
                    values.Add(value.InnerText); // full text: comment splits cannot shorten a value
                }
                // Two attributes with one name: no silent "first wins" or merge (catalogue §1.5e).
                if (!attributes.TryAdd(name, values))
                {
                    error = new SamlError(SamlErrorCode.DuplicateAttribute, "The Assertion states the same attribute twice.", "one Attribute per Name", name);
                    return null;
                }
            }
        }
        return attributes;
    }

    private static SamlError BadTime(string what, string? value) =>
        new(SamlErrorCode.InvalidTimestamp, $"{what} is not a UTC xs:dateTime (SAML Core §1.3.3).", "yyyy-MM-ddTHH:mm:ss[.fff]Z", value ?? "(none)");
}
