using System.Net;
using Gatehouse.Providers;
using Microsoft.AspNetCore.Antiforgery;

namespace Gatehouse.Saml;

/// <summary>The SAML capability's own small pages (everything encoded; nothing from the message is echoed but names).</summary>
public static class SamlPages
{
    public static IResult ConfirmIdpInitiated(SsoStrategy s, string siteName, string handle, AntiforgeryTokenSet tokens) =>
        Results.Content(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Continue signing in</title><link rel=\"stylesheet\" href=\"/assets/site.css\"></head>" +
            "<body><main><div class=\"card login\">" +
            $"<h1>Continue signing in</h1><p>Continue signing in to {E(siteName)} with {E(s.Label)}?</p>" +
            "<p class=\"muted\">This sign-in was started at your identity provider, not here. Continue only if you just chose this site there.</p>" +
            $"<form method=\"post\" action=\"/saml/{s.Id}/continue\">" +
            $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken ?? "")}\">" +
            $"<input type=\"hidden\" name=\"handle\" value=\"{E(handle)}\">" +
            $"<button type=\"submit\" class=\"full\">Continue signing in with {E(s.Label)}</button></form>" +
            "<p><a href=\"/login\">Cancel</a></p></div></main></body></html>",
            "text/html; charset=utf-8");

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
