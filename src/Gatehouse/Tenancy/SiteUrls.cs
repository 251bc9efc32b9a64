using Gatehouse.Hosting;

namespace Gatehouse.Tenancy;

public static class SiteUrls
{
    /// <summary><c>{scheme}://{subdomain}.{BaseDomain}[:port]</c>; the port is left out when it is the scheme's default.</summary>
    public static string Root(GatehouseOptions o, string subdomain, int? port)
    {
        var scheme = o.PublicScheme ?? "http";
        var defaultPort = scheme == "https" ? 443 : 80;
        var portPart = port is { } p && p != defaultPort ? ":" + p : "";
        return $"{scheme}://{subdomain}.{o.BaseDomain.Trim('.')}{portPart}";
    }

    /// <summary>The site root as the current request reached it (keeps the port the browser used).</summary>
    public static string Root(HttpRequest request, GatehouseOptions o) =>
        $"{o.PublicScheme ?? request.Scheme}://{request.Host}";
}
