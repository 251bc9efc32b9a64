using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gatehouse.Tests.Infrastructure;
using Gatehouse.Tests.Pages;
using static Gatehouse.Tests.Import.ImportTestData;

namespace Gatehouse.Tests.Import;

/// <summary>The admin pages over HTTP: upload → validation report → confirm → result, and the report download.</summary>
[Collection(ServerCollection.Name)]
public sealed class ImportPageTests(GatehouseServer server)
{
    private static async Task<HttpResponseMessage> UploadFormAsync(HttpClient browser, string csv, bool update = false)
    {
        var token = await browser.AntiforgeryToken("/admin/import");
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");
        form.Add(new StringContent(token), "__RequestVerificationToken");
        if (update) form.Add(new StringContent("true"), "updateExisting");
        return await browser.PostAsync("/admin/import", form);
    }

    private static async Task<string> WaitForAsync(HttpClient browser, string path, string text)
    {
        for (var i = 0; i < 300; i++)
        {
            var html = await (await browser.GetAsync(path)).Html();
            if (html.Contains(text)) return html;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{path} never showed \"{text}\"");
    }

    [Fact]
    public async Task Upload_Report_Confirm_Result()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        using var browser = await site.AdminBrowser();
        var name = Name();

        var upload = await UploadFormAsync(browser, Csv($"{name},none,,,{name}@example.com"));
        Assert.Equal(HttpStatusCode.Redirect, upload.StatusCode);
        var page = upload.Headers.Location!.OriginalString;
        var report = await WaitForAsync(browser, page, "Validation report");
        Assert.Contains("1 users will be created", report);
        using var api = site.AdminApi();
        Assert.DoesNotContain(await UsersAsync(api), u => (string)u!["username"]! == name);

        var token = await browser.AntiforgeryToken(page);
        var confirm = await browser.PostAsync(page + "?handler=Confirm", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        await WaitForAsync(browser, page, "Import complete");
        Assert.Contains(await UsersAsync(api), u => (string)u!["username"]! == name);
        var csv = await browser.GetStringAsync(page + "/report.csv");
        Assert.StartsWith("line,column,severity,message", csv);
        Assert.Contains("created 1 users", csv);
    }

    [Fact]
    public async Task Upload_BadFile_ShowsEveryErrorAndNoConfirm()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        using var browser = await site.AdminBrowser();

        var upload = await UploadFormAsync(browser, Csv($"{Name()},none,,,bad", $",none"));
        var page = upload.Headers.Location!.OriginalString;
        var html = await WaitForAsync(browser, page, "The file has errors");

        Assert.Contains("is not a valid email address", html);
        Assert.Contains("is required", html);
        Assert.DoesNotContain("Import 2 users", html);
        var csv = await browser.GetStringAsync(page + "/report.csv");
        Assert.Contains("2,email,error,is not a valid email address", csv);
        Assert.Contains("3,username,error,is required", csv);
    }

    [Fact]
    public async Task Upload_WithoutFile_IsRefused()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        using var browser = await site.AdminBrowser();
        var token = await browser.AntiforgeryToken("/admin/import");
        var r = await browser.PostAsync("/admin/import", new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        Assert.Contains("choose a CSV file", await r.Html());
    }

    [Fact]
    public async Task ImportPages_AreForSiteAdminsOnly()
    {
        var site = await server.CreateSiteAsync("premier", "imp");
        var name = Name();
        await site.CreateUserAsync(name);
        using var user = await site.UserBrowser(name);
        foreach (var path in new[] { "/admin/import", "/admin/import/export.csv", "/admin/import/template.csv" })
        {
            var r = await user.GetAsync(path);
            Assert.NotEqual(HttpStatusCode.OK, r.StatusCode);
        }
    }
}
