using Gatehouse.Api;
using Gatehouse.Persistence;
using Gatehouse.Sessions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Import;

/// <summary>
/// <c>/user_imports</c> (CONTRACT §5): POST a CSV (multipart, field <c>file</c>) to queue an import, GET it for
/// progress and the per-line errors; list; and <c>POST /user_imports/{id}/confirm</c> to run a clean dry run for real.
/// Site admins only.
/// </summary>
public static class UserImportsApi
{
    public static void MapUserImportsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/user_imports", CreateAsync).WithName("CreateUserImport").WithSummary("Import users from a CSV file (multipart, field file; dry_run, update_existing, create_groups)").DisableAntiforgery();
        api.MapGet("/user_imports", ListAsync).WithName("ListUserImports").WithSummary("List user imports, newest last");
        api.MapGet("/user_imports/{id}", ShowAsync).WithName("ShowUserImport").WithSummary("Show an import's status, progress and per-line errors");
        api.MapPost("/user_imports/{id}/confirm", ConfirmAsync).WithName("ConfirmUserImport").WithSummary("Run a clean dry run for real");
    }

    private static async Task<IResult> CreateAsync(HttpContext http, GatehouseDb db, IOptions<ImportOptions> options, ImportSignal signal, TimeProvider time, CancellationToken ct)
    {
        // 1. Who and what shape.
        if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
        if (CookieOnly(http) is { } refused) return refused;
        if (!http.Request.HasFormContentType || !(http.Request.ContentType ?? "").Contains("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return ApiErrors.Result(415, "bad-request/unsupported-media-type", "Unsupported Media Type", "Send the CSV as multipart/form-data, in a field named file.");
        var limit = options.Value.MaxFileBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + 1024 * 1024;
        IFormCollection form;
        try { form = await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit + 1024 * 1024 }, ct); }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return ApiErrors.Result(400, "bad-request/invalid-body", "Invalid Body", "The multipart body could not be read, or the file is too large.");
        }

        // 2. The fields, every problem at once.
        var input = ApiInput.FromForm(form, "file");
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0) input.AddError("file", "is required: attach the CSV in a multipart field named file");
        else if (file.Length > limit) input.AddError("file", $"is larger than {limit / (1024 * 1024)} MB");
        var dryRun = input.Bool("dry_run") ?? false;
        var update = input.Bool("update_existing") ?? input.Bool("update") ?? false;
        var createGroups = input.Bool("create_groups") ?? false;
        if (!input.IsValid) return ApiErrors.Invalid(input);

        // 3. Store and queue; a worker on some node picks it up.
        await using var stream = file!.OpenReadStream();
        var import = await UserImports.CreateAsync(db, new CreateUserImportRequest(file.FileName, stream, dryRun, update, createGroups,
            http.User.UserId(), http.User.Identity?.Name), options.Value, time, ct);
        if (import is null) return ApiErrors.Invalid(WithError(input, "file", $"is larger than {limit / (1024 * 1024)} MB"));
        signal.Wake();
        return Results.Json(UserImports.ToJson(import), ApiJson.Options, statusCode: 201);
    }

    private static Task<IResult> ListAsync(HttpContext http, GatehouseDb db, ImportProgressBoard board, CancellationToken ct) => ApiEndpoints.WithInput(http, async input =>
    {
        if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
        var page = ApiPage.From(input, out var error);
        if (page is null) return error!;
        var rows = await page.ReadAsync(db.Set<UserImport>().AsNoTracking().Where(i => i.Id > page.AfterId).OrderBy(i => i.Id), i => i.Id, http, ct);
        foreach (var row in rows) board.Overlay(row);
        return Results.Json(rows.Select(UserImports.ToJson), ApiJson.Options);
    });

    private static async Task<IResult> ShowAsync(string id, HttpContext http, GatehouseDb db, ImportProgressBoard board, CancellationToken ct)
    {
        if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
        if (!long.TryParse(id, out var importId)) return ApiErrors.NotFound("user-import");
        var import = await UserImports.FindAsync(db, board, importId, ct);
        return import is null ? ApiErrors.NotFound("user-import") : Results.Json(UserImports.ToJson(import), ApiJson.Options);
    }

    private static async Task<IResult> ConfirmAsync(string id, HttpContext http, GatehouseDb db, ImportProgressBoard board, ImportSignal signal, CancellationToken ct)
    {
        if (!ApiEndpoints.IsAdmin(http)) return ApiErrors.SiteAdminRequired();
        if (CookieOnly(http) is { } refused) return refused;
        if (!long.TryParse(id, out var importId) || await UserImports.FindAsync(db, board, importId, ct) is null) return ApiErrors.NotFound("user-import");
        if (!await UserImports.ConfirmAsync(db, importId, ct))
            return ApiErrors.Conflict("import-not-confirmable", "Only a dry run that completed without errors, within a day, can be confirmed. Upload the file again.");
        signal.Wake();
        return Results.Json(UserImports.ToJson((await UserImports.FindAsync(db, board, importId, ct))!), ApiJson.Options);
    }

    /// <summary>
    /// CSRF: a multipart form (or an empty POST) is something any page can make a browser send, cookie included,
    /// unlike the JSON the rest of the API demands; another tenant's page on a sibling subdomain is even same-site,
    /// so SameSite=Lax does not stop it. These writes therefore need a header credential; browsers use the admin page.
    /// </summary>
    private static IResult? CookieOnly(HttpContext http) =>
        http.User.FindFirst(GatehouseAuthenticationHandler.CredentialClaim)?.Value == "web_session"
            ? ApiErrors.NotAuthorized("api-credentials-required", "Send X-FilesAPI-Key or X-FilesAPI-Auth to import users through the API; in a browser, use the Import users page.")
            : null;

    private static ApiInput WithError(ApiInput input, string field, string message)
    {
        input.AddError(field, message);
        return input;
    }
}
