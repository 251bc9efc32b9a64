namespace Gatehouse.Hosting;

/// <summary>The stylesheet, embedded in the assembly so the program needs no wwwroot beside it.</summary>
public static class SiteAssets
{
    private static readonly Lazy<byte[]> Css = new(() => Load("Gatehouse.Pages.site.css"));
    private static readonly Lazy<byte[]> SearchJs = new(() => Load("Gatehouse.Pages.search.js"));

    private static byte[] Load(string name)
    {
        using var s = typeof(SiteAssets).Assembly.GetManifestResourceStream(name)!;
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    public static void MapSiteAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/assets/site.css", (HttpContext http) => Serve(http, Css.Value, "text/css; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/assets/search.js", (HttpContext http) => Serve(http, SearchJs.Value, "text/javascript; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext http, byte[] body, string type)
    {
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Bytes(body, type);
    }
}
