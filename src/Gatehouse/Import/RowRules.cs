using Gatehouse.Accounts;
using C = Gatehouse.Import.ImportColumns;

namespace Gatehouse.Import;

/// <summary>What one valid row does: the user's values after the import, and whether it creates, updates or leaves a user.</summary>
public sealed class RowPlan
{
    public required int Line { get; init; }
    public required string Username { get; init; }
    public required string Normalized { get; init; }
    public ExistingUser? Existing { get; init; }
    public required string Method { get; set; }
    public long? SsoStrategyId { get; set; }
    /// <summary>A new password to hash (never stored as given).</summary>
    public string? Password { get; set; }
    public string? ImportedHash { get; set; }
    public string? Email { get; set; }
    public string? Name { get; set; }
    public string? Company { get; set; }
    public bool SiteAdmin { get; set; }
    /// <summary>Groups to join, by normalized name with the name as written (existing memberships are kept; none are removed).</summary>
    public List<(string Normalized, string Name)> Groups { get; } = [];
    /// <summary>The provider's immutable key for the user (column external_id), when the row gives one.</summary>
    public string? ExternalId { get; set; }
    /// <summary>Keys to add (a key the user already has is not repeated).</summary>
    public List<ParsedSshKey> Keys { get; } = [];

    public bool Creates => Existing is null;
    public bool MethodChanged => Existing is { } e && (e.Method != Method || e.SsoStrategyId != SsoStrategyId);

    /// <summary>Whether the user's own row changes (memberships and keys are counted apart).</summary>
    public bool ChangesUser => Existing is { } e && (MethodChanged || Password is not null || ImportedHash is not null
        || e.Email != Email || e.Name != Name || e.Company != Company || e.SiteAdmin != SiteAdmin || ChangesExternalId);

    /// <summary>Whether the row sets a key the user does not hold for that provider yet.</summary>
    public bool ChangesExternalId { get; set; }

    public bool IsBreakGlass => SiteAdmin && !(Existing?.Disabled ?? false)
        && ((Method == AuthenticationMethods.Password && (Password is not null || (Existing is { HasPasswordHash: true } e1 && e1.Method == AuthenticationMethods.Password)))
            || (Method == AuthenticationMethods.PasswordWithImportedHash && (ImportedHash is not null || (Existing is { HasImportedHash: true } e2 && e2.Method == AuthenticationMethods.PasswordWithImportedHash))));
}

/// <summary>The options an admin chose for one import.</summary>
public sealed record ImportChoices(bool UpdateExisting, bool CreateGroups);

/// <summary>
/// The field rules of one row, the same as the users API's (<see cref="UserChanges"/>) and with its messages, checked
/// against a <see cref="SiteSnapshot"/> instead of one query per field. In update mode an empty cell leaves the field
/// as it is, so exporting and importing back changes nothing.
/// </summary>
public sealed class RowRules(SiteSnapshot site, ImportChoices choices, PasswordPolicy policy)
{
    private static readonly string[] BuiltIn = [AuthenticationMethods.Password, AuthenticationMethods.None, AuthenticationMethods.PasswordWithImportedHash];

    public RowPlan? Interpret(CsvRow row, List<ImportIssue> issues)
    {
        var failed = false;
        void Error(string column, string message) { failed = true; issues.Add(new ImportIssue(row.Line, column, message)); }

        // 1. Who: the username, new or (with the update option) existing.
        var username = row[0]?.Trim() ?? "";
        if (username.Length == 0) { Error(C.Username, "is required"); return null; }
        if (username.Length > 128) { Error(C.Username, "must be at most 128 characters"); return null; }
        if (username.Any(c => char.IsControl(c) || c is '/' or '\\' or '<' or '>' or '"'))
        { Error(C.Username, "must not contain control characters, slashes, quotes or angle brackets"); return null; }
        var normalized = User.Normalize(username);
        var existing = site.Users.GetValueOrDefault(normalized);
        if (existing is not null && !choices.UpdateExisting)
            Error(C.Username, "is already taken on this site (choose the option to update existing users to change them)");
        if (existing is { ExternallyManaged: true })
            Error(C.Username, "is managed by an SSO provider's provisioning (SCIM or LDAP) and cannot be changed by an import");

        var plan = new RowPlan
        {
            Line = row.Line, Username = existing?.Username ?? username, Normalized = normalized, Existing = existing,
            Method = existing?.Method ?? AuthenticationMethods.Password, SsoStrategyId = existing?.SsoStrategyId,
            Email = existing?.Email, Name = existing?.Name, Company = existing?.Company, SiteAdmin = existing?.SiteAdmin ?? false,
        };

        // 2. Plain fields.
        if (Cell(row, 4) is { } email)
        {
            if (email.Length > 256 || !UserChanges.IsEmail(email)) Error(C.Email, "is not a valid email address");
            else plan.Email = email;
        }
        if (Cell(row, 5) is { } name) { if (name.Length > 256) Error(C.Name, "must be at most 256 characters"); else plan.Name = name; }
        if (Cell(row, 6) is { } company) { if (company.Length > 256) Error(C.Company, "must be at most 256 characters"); else plan.Company = company; }
        if (Cell(row, 8) is { } admin)
        {
            if (ParseBool(admin) is { } b) plan.SiteAdmin = b;
            else Error(C.SiteAdmin, "must be true or false");
        }

        // 3. How they sign in.
        var password = row[2] is { Length: > 0 } p && p.Trim().Length > 0 ? p : null;
        var imported = Cell(row, 3);
        if (Cell(row, 1) is { } method) ResolveMethod(method, plan, Error);
        else if (existing is null && imported is not null) plan.Method = AuthenticationMethods.PasswordWithImportedHash;

        if (password is not null && imported is not null)
            Error(C.Password, "cannot be given together with imported_password_hash; give one of them");
        else if (password is not null)
        {
            if (plan.Method != AuthenticationMethods.Password)
                Error(C.Password, "can only be set for the password authentication method");
            else
            {
                foreach (var problem in policy.Check(password, plan.Username)) Error(C.Password, problem);
                plan.Password = password;
            }
        }
        else if (imported is not null)
        {
            if (plan.Method != AuthenticationMethods.PasswordWithImportedHash)
                Error(C.ImportedPasswordHash, "requires authentication_method password_with_imported_hash");
            else if (!ImportedPasswordHash.IsKnownFormat(imported))
                Error(C.ImportedPasswordHash, "is not a supported hash (bcrypt, pbkdf2_sha256$…, $pbkdf2-sha256$…, or sha256$salt$hex)");
            else plan.ImportedHash = imported;
        }
        if (plan.Method == AuthenticationMethods.PasswordWithImportedHash && plan.ImportedHash is null
            && !(existing is { HasImportedHash: true } && existing.Method == AuthenticationMethods.PasswordWithImportedHash))
            Error(C.ImportedPasswordHash, "is required for the password_with_imported_hash authentication method");
        if (plan.Method != AuthenticationMethods.Sso) plan.SsoStrategyId = null;
        if (Cell(row, 10) is { } externalId) CheckExternalId(externalId, plan, Error);

        // 4. Groups: existing ones, or new ones when the admin chose to create them.
        if (Cell(row, 7) is { } groupNames)
            foreach (var raw in groupNames.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (raw.Length > 128) { Error(C.GroupNames, $"has a group name longer than 128 characters (\"{raw[..20]}…\")"); continue; }
                if (raw.Any(c => char.IsControl(c) || c is '<' or '>' or '"' or '/' or '\\'))
                { Error(C.GroupNames, $"has the group name \"{raw}\", which must not contain control characters, slashes, quotes or angle brackets"); continue; }
                var g = raw.ToLowerInvariant();
                if (!site.Groups.ContainsKey(g) && !choices.CreateGroups)
                { Error(C.GroupNames, $"names the group \"{raw}\", which does not exist (create it first, or choose the option to create missing groups)"); continue; }
                if (plan.Groups.All(x => x.Normalized != g)) plan.Groups.Add((g, raw));
            }

        // 5. SSH keys: one per line of the field, each parsed and checked like the public_keys API does.
        if (Cell(row, 9) is { } keyText)
        {
            var lines = keyText.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < lines.Length; i++)
            {
                var which = lines.Length > 1 ? $"key {i + 1} " : "";
                if (SshPublicKeyParser.TryParse(lines[i], out var problem) is not { } key) { Error(C.SshKey, which + problem); continue; }
                if (site.KeyOwners.TryGetValue(key.FingerprintSha256, out var owner))
                {
                    if (owner != existing?.Id) Error(C.SshKey, $"{which}is already added on this site to another user (fingerprint SHA256:{key.FingerprintSha256})");
                    continue; // the user has it already
                }
                if (plan.Keys.All(k => k.FingerprintSha256 != key.FingerprintSha256)) plan.Keys.Add(key);
            }
        }

        return failed ? null : plan;
    }

    /// <summary>
    /// The identity resolver's rule (<see cref="Provisioning.IdentityResolver.Classify"/>) with the row's username as
    /// the name candidate: a key another user already holds for the provider would match that user, not this row's, so
    /// the row is refused naming both — never a second user with the same identity.
    /// </summary>
    private void CheckExternalId(string externalId, RowPlan plan, Action<string, string> error)
    {
        if (externalId.Length > 256) { error(C.ExternalId, "must be at most 256 characters"); return; }
        if (externalId.Any(char.IsControl)) { error(C.ExternalId, "must not contain control characters"); return; }
        if (plan.Method != AuthenticationMethods.Sso || plan.SsoStrategyId is not { } sid)
        { error(C.ExternalId, "can only be given for a user who signs in with an SSO provider (authentication_method names the provider)"); return; }
        var holder = site.ExternalIds.TryGetValue((sid, externalId), out var h) ? h : ((long UserId, string Username)?)null;
        switch (Provisioning.IdentityResolver.Classify(holder?.UserId, plan.Existing?.Id))
        {
            case Provisioning.IdentityMatchKind.Ambiguous:
                error(C.ExternalId, $"is already the immutable key of \"{holder!.Value.Username}\" (id {holder.Value.UserId}) for this provider, so it would match two users, " +
                    $"\"{holder.Value.Username}\" and \"{plan.Username}\" (id {plan.Existing!.Id}); give each user their own key");
                return;
            case Provisioning.IdentityMatchKind.ByKey when plan.Existing is null:
                error(C.ExternalId, $"is already the immutable key of \"{holder!.Value.Username}\" (id {holder.Value.UserId}) for this provider; an import does not rename users, so use that username or another key");
                return;
        }
        plan.ExternalId = externalId;
        plan.ChangesExternalId = plan.Existing is null || site.KeyOfUser.GetValueOrDefault(plan.Existing.Id) != (sid, externalId);
    }

    private void ResolveMethod(string value, RowPlan plan, Action<string, string> error)
    {
        var v = value.ToLowerInvariant();
        var matches = site.Providers.Where(p => p.LabelNormalized == v).ToList();
        var enabled = matches.Where(p => p.Enabled).ToList();
        if (BuiltIn.Contains(v))
        {
            if (enabled.Count > 0) { error(C.AuthenticationMethod, $"is ambiguous: \"{value}\" is both a sign-in method and the name of an SSO provider; rename the provider"); return; }
            plan.Method = v;
            return;
        }
        if (enabled.Count > 1) { error(C.AuthenticationMethod, $"is ambiguous: more than one enabled SSO provider is named \"{value}\""); return; }
        var provider = enabled.FirstOrDefault()
            // Keeping a user on their current provider is no change, even while that provider is disabled (round trip).
            ?? matches.FirstOrDefault(p => p.Id == plan.Existing?.SsoStrategyId && plan.Existing?.Method == AuthenticationMethods.Sso);
        if (provider is null)
        {
            var names = site.Providers.Where(p => p.Enabled).Select(p => p.Label).ToList();
            var known = names.Count == 0 ? "this site has no enabled SSO provider" : "enabled SSO providers: " + string.Join(", ", names);
            error(C.AuthenticationMethod, matches.Count > 0
                ? $"names the SSO provider \"{matches[0].Label}\", which is disabled; enable it first"
                : v == AuthenticationMethods.Sso
                    ? $"must name the SSO provider rather than \"sso\" ({known})"
                    : $"must be password, none, password_with_imported_hash, or the name of an enabled SSO provider of this site ({known})");
            return;
        }
        if (!site.Plan.Sso && provider.Id != plan.Existing?.SsoStrategyId)
        { error(C.AuthenticationMethod, $"names an SSO provider, but the site's plan ({site.PlanName}) does not include single sign-on"); return; }
        plan.Method = AuthenticationMethods.Sso;
        plan.SsoStrategyId = provider.Id;
    }

    private static string? Cell(CsvRow row, int column) => row[column]?.Trim() is { Length: > 0 } s ? s : null;

    public static bool? ParseBool(string s) => s.Trim().ToLowerInvariant() switch
    {
        "true" or "t" or "yes" or "y" or "1" => true,
        "false" or "f" or "no" or "n" or "0" => false,
        _ => null,
    };
}
