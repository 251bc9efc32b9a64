using System.Text.Json.Nodes;
using Gatehouse.Hosting;
using Gatehouse.Scim;
using Gatehouse.Tenancy;
using Microsoft.Extensions.Options;

namespace Gatehouse.Provisioning;

/// <summary>
/// The SCIM 2.0 service of a site at <c>{site}/api/scim</c> (and <c>/api/scim/v2</c>), CONTRACT §4. Every route is
/// anonymous to ASP.NET's authentication (no cookie, no API key counts) and goes through <see cref="ScimRequestFilter"/>,
/// which authenticates the provider's own credential, turns any failure into an RFC 7644 §3.12 body, and logs the
/// request. Entra's <c>?aadOptscim062020</c> needs nothing: query parameters other than the list ones are ignored.
/// </summary>
public static class ScimEndpoints
{
    public const string Prefix = "/api/scim";
    public const string V2Prefix = "/api/scim/v2";

    public static void MapScimRoutes(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { Prefix, V2Prefix })
        {
            var scim = app.MapGroup(prefix).AllowAnonymous().AddEndpointFilter<ScimRequestFilter>()
                .WithTags("SCIM 2.0").ExcludeFromDescription();

            // Discovery (RFC 7644 §4), generated from the engine's one description of what is supported.
            scim.MapGet("/ServiceProviderConfig", (HttpContext http, IOptions<ScimOptions> o) =>
                ScimResponse.Ok(ScimDiscovery.ServiceProviderConfig(Caller(http).BaseUrl, new ScimServiceProviderOptions { MaxResults = o.Value.MaxResults })));
            scim.MapGet("/Schemas", (HttpContext http) => ScimResponse.Ok(ScimDiscovery.Schemas(Caller(http).BaseUrl)));
            scim.MapGet("/Schemas/{id}", (string id, HttpContext http) =>
                ScimDiscovery.Schema(Caller(http).BaseUrl, id) is { } schema ? ScimResponse.Ok(schema) : ScimResponse.Error(ScimError.NotFound($"Schema {id} not found.")));
            scim.MapGet("/ResourceTypes", (HttpContext http) => ScimResponse.Ok(ScimDiscovery.ResourceTypes(Caller(http).BaseUrl)));
            scim.MapGet("/ResourceTypes/{name}", (string name, HttpContext http) =>
                GatehouseScimSchemas.ResourceTypes.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)) is { } type
                    ? ScimResponse.Ok(ScimDiscovery.ResourceType(Caller(http).BaseUrl, type))
                    : ScimResponse.Error(ScimError.NotFound($"Resource type {name} not found.")));

            // Users (RFC 7644 §3.2–3.6).
            scim.MapGet("/Users", (HttpContext http, ScimUsers users, CancellationToken ct) =>
            {
                var q = http.Request.Query;
                return users.ListAsync(Caller(http), q["filter"], q["startIndex"], q["count"], q["attributes"], q["excludedAttributes"], ct);
            });
            scim.MapPost("/Users/.search", (HttpContext http, ScimUsers users, IOptions<ScimOptions> o, CancellationToken ct) =>
                Search(http, o, (f, s, c, a, e) => users.ListAsync(Caller(http), f, s, c, a, e, ct)));
            scim.MapGet("/Users/{id}", (string id, HttpContext http, ScimUsers users, CancellationToken ct) =>
                users.GetAsync(Caller(http), id, http.Request.Query["attributes"], http.Request.Query["excludedAttributes"], ct));
            scim.MapPost("/Users", (HttpContext http, ScimUsers users, IOptions<ScimOptions> o, CancellationToken ct) =>
                WithBody(http, o, body => users.CreateAsync(Caller(http), http, body, ct)));
            scim.MapPut("/Users/{id}", (string id, HttpContext http, ScimUsers users, IOptions<ScimOptions> o, CancellationToken ct) =>
                WithBody(http, o, body => users.ReplaceAsync(Caller(http), http, id, body, ct)));
            scim.MapPatch("/Users/{id}", (string id, HttpContext http, ScimUsers users, IOptions<ScimOptions> o, CancellationToken ct) =>
                WithBody(http, o, body => users.PatchAsync(Caller(http), http, id, body, ct)));
            scim.MapDelete("/Users/{id}", (string id, HttpContext http, ScimUsers users, CancellationToken ct) =>
                users.DeleteAsync(Caller(http), http, id, ct));

            // Groups.
            scim.MapGet("/Groups", (HttpContext http, ScimGroups groups, CancellationToken ct) =>
            {
                var q = http.Request.Query;
                return groups.ListAsync(Caller(http), q["filter"], q["startIndex"], q["count"], q["attributes"], q["excludedAttributes"], ct);
            });
            scim.MapPost("/Groups/.search", (HttpContext http, ScimGroups groups, IOptions<ScimOptions> o, CancellationToken ct) =>
                Search(http, o, (f, s, c, a, e) => groups.ListAsync(Caller(http), f, s, c, a, e, ct)));
            scim.MapGet("/Groups/{id}", (string id, HttpContext http, ScimGroups groups, CancellationToken ct) =>
                groups.GetAsync(Caller(http), id, http.Request.Query["attributes"], http.Request.Query["excludedAttributes"], ct));
            scim.MapPost("/Groups", (HttpContext http, ScimGroups groups, IOptions<ScimOptions> o, CancellationToken ct) =>
                WithBody(http, o, body => groups.CreateAsync(Caller(http), http, body, ct)));
            scim.MapPut("/Groups/{id}", (string id, HttpContext http, ScimGroups groups, IOptions<ScimOptions> o, CancellationToken ct) =>
                WithBody(http, o, body => groups.ReplaceAsync(Caller(http), http, id, body, ct)));
            scim.MapPatch("/Groups/{id}", (string id, HttpContext http, ScimGroups groups, IOptions<ScimOptions> o, CancellationToken ct) =>
                WithBody(http, o, body => groups.PatchAsync(Caller(http), http, id, body, ct)));
            scim.MapDelete("/Groups/{id}", (string id, HttpContext http, ScimGroups groups, CancellationToken ct) =>
                groups.DeleteAsync(Caller(http), http, id, ct));

            // Anything else under the SCIM base is a SCIM 404, not the REST API's error shape (RFC 7644 §3.12).
            scim.MapMethods("/{**rest}", ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"], (HttpContext http) =>
                ScimResponse.Error(ScimError.NotFound($"No SCIM endpoint {http.Request.Method} {http.Request.Path}.")));
        }
    }

    public static ScimCaller Caller(HttpContext http) => (ScimCaller)http.Items[typeof(ScimCaller)]!;

    private static async Task<ScimResponse> WithBody(HttpContext http, IOptions<ScimOptions> o, Func<JsonObject, Task<ScimResponse>> handler)
    {
        var body = await ScimBody.ReadObjectAsync(http, o.Value.MaxBodyBytes);
        return body.IsSuccess ? await handler(body.Value) : ScimResponse.Error(body.Error!);
    }

    /// <summary>POST /.search (RFC 7644 §3.4.3): the query in the body, so sensitive filter values stay out of URLs.</summary>
    private static Task<ScimResponse> Search(HttpContext http, IOptions<ScimOptions> o,
        Func<string?, string?, string?, string?, string?, Task<ScimResponse>> list) =>
        WithBody(http, o, body =>
        {
            static string? Text(JsonObject b, string name) => ScimUserMapping.Get(b, name) switch
            {
                JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
                JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => v.ToJsonString(),
                JsonArray a => string.Join(',', a.Select(x => x?.ToString())),
                _ => null,
            };
            return list(Text(body, "filter"), Text(body, "startIndex"), Text(body, "count"), Text(body, "attributes"), Text(body, "excludedAttributes"));
        });

    internal static string BaseUrl(HttpContext http, GatehouseOptions options) =>
        SiteUrls.Root(http.Request, options) + (http.Request.Path.StartsWithSegments(V2Prefix) ? V2Prefix : Prefix);
}

/// <summary>Authentication, error shape and logging around every SCIM endpoint.</summary>
public sealed class ScimRequestFilter(ScimAuthentication authentication, ScimRequestLogger requestLog, IOptions<GatehouseOptions> options, ILogger<ScimRequestFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        ScimResponse response;
        long? strategyId = null;
        var auth = await authentication.AuthenticateAsync(http.Request, ct);
        if (!auth.IsSuccess)
        {
            response = ScimResponse.Error(auth.Error!);
            // RFC 7235 §3.1 / RFC 6750 §3: a 401 names the schemes the client may use.
            if (response.Status == 401) response.WithHeader("WWW-Authenticate", ScimAuthentication.Challenge);
        }
        else
        {
            strategyId = auth.Value.Id;
            http.Items[typeof(ScimCaller)] = new ScimCaller(auth.Value, ScimEndpoints.BaseUrl(http, options.Value));
            try
            {
                var result = await next(context);
                response = result as ScimResponse ?? ScimResponse.Error(ScimError.InternalError("The endpoint produced no SCIM response."));
            }
            catch (BadHttpRequestException e)
            {
                // Kestrel's own refusals (body over the server limit, malformed framing) are the client's: 4xx.
                response = ScimResponse.Error(e.StatusCode == 413
                    ? ScimError.PayloadTooLarge("The request body is too large.")
                    : ScimError.InvalidSyntax("The request could not be read."));
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                ScimLog.RequestFailed(logger, http.Request.Method, http.Request.Path, e);
                response = ScimResponse.Error(ScimError.InternalError("Something went wrong on our side; the request was not applied."));
            }
        }
        await requestLog.WriteAsync(http, strategyId, response, CancellationToken.None);
        return response;
    }
}
