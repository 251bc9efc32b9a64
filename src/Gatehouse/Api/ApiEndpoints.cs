using Gatehouse.Sessions;

namespace Gatehouse.Api;

public static class ApiEndpoints
{
    public const string Prefix = "/api/rest/v1";

    /// <summary>The authenticated API group; resources add their routes under it.</summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup(Prefix).RequireAuthorization().WithTags("REST API v1");

    /// <summary>Runs a handler with the request's parameters parsed, or answers with the parse error.</summary>
    public static async Task<IResult> WithInput(HttpContext http, Func<ApiInput, Task<IResult>> handler)
    {
        var (input, error) = await ApiInput.ReadAsync(http);
        return error ?? await handler(input!);
    }

    public static bool IsAdmin(HttpContext http) => http.User.IsSiteAdmin();
}
