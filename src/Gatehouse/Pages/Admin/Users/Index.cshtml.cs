using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Pages.Admin.Users;

public sealed record UserRow(long Id, string Username, string? Name, string? Email, bool SiteAdmin, bool Disabled,
    string Method, long? SsoStrategyId, DateTime? LockoutExpires, DateTime? LastLoginAt);

/// <summary>The Users page: the filtered, keyset-paged table, and the "New user" form.</summary>
public sealed class IndexModel(GatehouseDb db, UserChanges changes, TimeProvider time) : FlashPageModel
{
    [BindProperty(SupportsGet = true, Name = "q")] public string? Q { get; set; }
    [BindProperty(SupportsGet = true, Name = "sso_strategy_id")] public long? SsoStrategyId { get; set; }
    /// <summary>The username the previous page ended with (keyset paging in username order).</summary>
    [BindProperty(SupportsGet = true, Name = "after")] public string? After { get; set; }

    public KeysetPage<UserRow> Users { get; private set; } = new([], null, false);
    public Dictionary<long, string> ProviderLabels { get; private set; } = [];
    public UserFields NewUser { get; private set; } = null!;
    public DateTime Now { get; } = time.GetUtcNow().UtcDateTime;
    public bool LastAdminWarning { get; private set; }

    public string? NextUrl => Users.HasNext && Users.Last is { } last
        ? QueryHelpers.AddQueryString("/admin/users", Query(("after", last.Username)))
        : null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        NewUser = new UserFields(new UserFormValues(), Errors, await UserForm.MethodsAsync(db, null, ct), Editing: false);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        // 1. Validate with the API's rules (UserChanges) plus the form's own; 2. save; 3. back to the list.
        var user = new User { Username = "", UsernameNormalized = "", CreatedAt = Now };
        var input = UserForm.ToInput(Request.Form);
        await changes.ApplyAsync(user, input, creating: true, ct);
        UserForm.RequirePasswordForNewPasswordMethod(user, null, Request.Form, input);
        if (input.IsValid)
        {
            db.Users.Add(user);
            if (await TrySaveAsync(ct))
            {
                Message = $"User {user.Username} created.";
                return Redirect("/admin/users");
            }
            input.AddError("username", "is already taken on this site");
        }
        Errors = input.Errors;
        db.ChangeTracker.Clear();
        await LoadAsync(ct);
        NewUser = new UserFields(UserFormValues.From(Request.Form), Errors, await UserForm.MethodsAsync(db, null, ct), Editing: false);
        return Refused("The user was not created. Please correct the fields below.");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Q = Display.Filter(Q);
        After = Display.Filter(After);
        var query = db.Users.AsNoTracking();
        if (Q is not null)
        {
            var s = Q.ToLowerInvariant();
            query = query.Where(u => u.UsernameNormalized.Contains(s) || (u.Email != null && u.Email.ToLower().Contains(s)) || (u.Name != null && u.Name.ToLower().Contains(s)));
        }
        if (SsoStrategyId is { } sid) query = query.Where(u => u.SsoStrategyId == sid);
        if (After is not null)
        {
            var after = Gatehouse.Accounts.User.Normalize(After);
            query = query.Where(u => string.Compare(u.UsernameNormalized, after) > 0);
        }
        Users = await Keyset.ReadAsync(query.OrderBy(u => u.UsernameNormalized).Select(u => new UserRow(u.Id, u.Username, u.Name, u.Email,
            u.SiteAdmin, u.Disabled, u.AuthenticationMethod, u.SsoStrategyId, u.LockoutExpires, u.LastLoginAt)), ct);
        ProviderLabels = await AuthenticationMethodLabel.ProviderLabelsAsync(db, ct);
        LastAdminWarning = await AdminGuard.CountAsync(db, ct) == 1;
    }

    private async Task<bool> TrySaveAsync(CancellationToken ct)
    {
        try { await db.SaveChangesAsync(ct); return true; }
        catch (DbUpdateException) { return false; } // two creates of one username at once: the unique index decides
    }

    private IEnumerable<KeyValuePair<string, string?>> Query(params (string Key, string Value)[] extra)
    {
        if (Q is not null) yield return new("q", Q);
        if (SsoStrategyId is { } sid) yield return new("sso_strategy_id", sid.ToString());
        foreach (var (k, v) in extra) yield return new(k, v);
    }

    public static string Status(UserRow u, DateTime now) =>
        u.Disabled ? "Disabled"
        : u.LockoutExpires is { } until && until > now ? $"Locked until {Display.Time(until)}"
        : "Active";
}
