using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Import;

/// <summary>
/// Writes the site's users in the import's own columns, page by page (flat memory), so an export imported back
/// with the update option changes nothing. Secrets never leave: password and imported_password_hash stay empty,
/// and an empty cell means "leave as it is" to the import. SSO users carry their provider's name.
/// </summary>
public static class UserExport
{
    private const int Page = 1000;

    public static async Task WriteAsync(GatehouseDb db, Stream output, CancellationToken ct)
    {
        var providers = await db.SsoStrategies.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Label, ct);
        // CsvHelper's default line end is CRLF; setting NewLine explicitly would stop it quoting fields with a bare LF (the SSH keys).
        var config = new CsvConfiguration(CultureInfo.InvariantCulture);
        // Each page is formatted in memory and written with one async write: an HTTP response refuses synchronous writes.
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var csv = new CsvWriter(text, config, leaveOpen: true);
        foreach (var column in ImportColumns.All) csv.WriteField(column);
        csv.NextRecord();

        long after = 0;
        while (true)
        {
            var users = await db.Users.AsNoTracking().Where(u => u.Id > after).OrderBy(u => u.Id).Take(Page)
                .Select(u => new { u.Id, u.Username, u.AuthenticationMethod, u.SsoStrategyId, u.Email, u.Name, u.Company, u.SiteAdmin })
                .ToListAsync(ct);
            if (users.Count == 0) break;
            after = users[^1].Id;
            var ids = users.Select(u => u.Id).ToList();
            var groups = (await db.GroupUsers.AsNoTracking().Where(m => ids.Contains(m.UserId)).OrderBy(m => m.Group.Name)
                    .Select(m => new { m.UserId, m.Group.Name }).ToListAsync(ct))
                .ToLookup(m => m.UserId, m => m.Name);
            var keys = (await db.PublicKeys.AsNoTracking().Where(k => ids.Contains(k.UserId)).OrderBy(k => k.Id)
                    .Select(k => new { k.UserId, k.KeyText, k.Title }).ToListAsync(ct))
                .ToLookup(k => k.UserId, k => k.Title.Length > 0 ? $"{k.KeyText} {k.Title}" : k.KeyText);
            // The user's key for the provider they sign in with now (a profile of an earlier provider is not theirs to carry).
            var externalIds = (await db.Set<Provisioning.ScimUserProfile>().AsNoTracking().Where(p => ids.Contains(p.UserId) && p.ExternalId != null)
                    .Select(p => new { p.UserId, p.SsoStrategyId, p.ExternalId }).ToListAsync(ct))
                .ToDictionary(p => p.UserId);
            foreach (var u in users)
            {
                var method = u.AuthenticationMethod == AuthenticationMethods.Sso && u.SsoStrategyId is { } sid && providers.TryGetValue(sid, out var label)
                    ? label : u.AuthenticationMethod;
                csv.WriteField(u.Username);
                csv.WriteField(method);
                csv.WriteField("");
                csv.WriteField("");
                csv.WriteField(u.Email ?? "");
                csv.WriteField(u.Name ?? "");
                csv.WriteField(u.Company ?? "");
                csv.WriteField(string.Join(",", groups[u.Id]));
                csv.WriteField(u.SiteAdmin ? "true" : "false");
                csv.WriteField(string.Join("\n", keys[u.Id]));
                csv.WriteField(u.AuthenticationMethod == AuthenticationMethods.Sso && externalIds.TryGetValue(u.Id, out var x) && x.SsoStrategyId == u.SsoStrategyId
                    ? x.ExternalId : "");
                csv.NextRecord();
            }
            await FlushAsync();
        }
        await FlushAsync();
        await csv.DisposeAsync();

        async Task FlushAsync()
        {
            csv.Flush();
            var sb = text.GetStringBuilder();
            if (sb.Length == 0) return;
            await output.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), ct);
            sb.Clear();
        }
    }
}
