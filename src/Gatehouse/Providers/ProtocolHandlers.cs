using Gatehouse.Hosting;
using Gatehouse.Tenancy;
using Microsoft.Extensions.Options;

namespace Gatehouse.Providers;

/// <summary>Finds the handler of a provider's protocol and computes its SP endpoints.</summary>
public sealed class ProtocolHandlers(IEnumerable<IProtocolHandler> handlers, IOptions<GatehouseOptions> options)
{
    private readonly Dictionary<string, IProtocolHandler> _byProtocol = handlers.ToDictionary(h => h.Protocol);

    public IProtocolHandler For(SsoStrategy s) => _byProtocol.TryGetValue(s.Protocol, out var h) ? h : new UnavailableProtocolHandler(s.Protocol);

    public SpEndpoints Endpoints(SsoStrategy s, HttpRequest request)
    {
        var root = SiteUrls.Root(request, options.Value);
        var saml = s.Protocol == ProviderKinds.Saml;
        var scim = root + "/api/scim" + (s.Provider == "azure" ? "?aadOptscim062020" : "");
        return new SpEndpoints(
            saml ? $"{root}/saml/{s.Id}/metadata" : null,
            saml ? $"{root}/saml/{s.Id}/acs" : null,
            saml ? $"{root}/saml/{s.Id}/metadata" : null,
            s.Protocol == ProviderKinds.Oidc ? $"{root}/oidc/{s.Id}/callback" : null,
            $"{root}/sso/{s.Id}/login",
            scim);
    }
}

/// <summary>
/// Stands in for a protocol whose sign-in is not part of this build yet: settings are still stored and checked
/// for shape, and a sign-in attempt gets a page that says plainly why it cannot proceed.
/// </summary>
public sealed class UnavailableProtocolHandler(string protocol) : IProtocolHandler
{
    public string Protocol => protocol;
    public bool SignInAvailable => false;

    public IEnumerable<SettingsError> ValidateSettings(SsoStrategy strategy) => [];

    public Task<IResult> StartSignInAsync(HttpContext http, SsoStrategy strategy, string? returnTo, CancellationToken ct) =>
        Task.FromResult(Results.Content(
            $"<!doctype html><title>Sign-in unavailable</title><link rel=\"stylesheet\" href=\"/assets/site.css\"><main><div class=\"card login\"><h1>Sign-in unavailable</h1>" +
            $"<p>Signing in with {System.Net.WebUtility.HtmlEncode(strategy.Label)} uses {protocol.ToUpperInvariant()}, which this Gatehouse version does not support yet.</p>" +
            "<p>Ask your site administrator, or <a href=\"/login\">sign in another way</a>.</p></div></main>",
            "text/html; charset=utf-8", statusCode: 501));
}
