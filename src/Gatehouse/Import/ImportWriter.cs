using System.Collections.Concurrent;
using System.Data.Common;
using Gatehouse.Accounts;
using Gatehouse.Persistence;
using Gatehouse.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Gatehouse.Import;

/// <summary>Counts of what a run wrote.</summary>
public sealed record WriteResult(int Created, int Updated, int Unchanged, int GroupsCreated, IReadOnlyList<long> MethodChangedUserIds);

/// <summary>The site changed between validation and writing, so a row no longer holds: nothing is written.</summary>
public sealed class ImportConflictException(ImportIssue issue) : Exception($"The site changed while the file was being imported ({issue}).")
{
    public ImportIssue Issue { get; } = issue;
}

/// <summary>
/// Writes a validated file in ONE transaction — all or nothing — in batches: reserved ids, bulk inserts of users,
/// memberships and keys, one prepared UPDATE per changed existing user. No entity is change-tracked per row.
/// Every row is checked again against a snapshot taken inside the transaction, so a site that changed since
/// validation fails the run rather than half-applying it.
/// </summary>
public sealed class ImportWriter(GatehouseDb db, PasswordPolicy policy, PlanOptions plans, ImportOptions options, TimeProvider time)
{
    /// <summary>Test seam: throw after this many rows of the given site were written (proves all-or-nothing).</summary>
    internal static readonly ConcurrentDictionary<long, int> FailAfterRowsForSite = new();

    public async Task<WriteResult> WriteAsync(Site site, Stream file, IReadOnlyDictionary<int, string> hashes, ImportChoices choices,
        Action<int>? written, CancellationToken ct)
    {
        try { return await WriteInTransactionAsync(site, file, hashes, choices, written, ct); }
        finally { _update?.Dispose(); _update = null; }
    }

    private async Task<WriteResult> WriteInTransactionAsync(Site site, Stream file, IReadOnlyDictionary<int, string> hashes, ImportChoices choices,
        Action<int>? written, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        using var bulk = new BulkInsert(db);

        // 1. The site as it is now, under the transaction.
        var snapshot = await SiteSnapshot.LoadAsync(db, site, plans, ct);
        var rules = new RowRules(snapshot, choices, policy);
        var breakGlass = new BreakGlassTally(snapshot);
        var memberships = snapshot.Memberships;
        var groupsCreated = 0;
        int created = 0, updated = 0, unchanged = 0, done = 0;
        var methodChanged = new List<long>();
        var failAfter = FailAfterRowsForSite.TryGetValue(site.Id, out var f) ? f : (int?)null;

        // 2. Stream the rows in batches.
        var batch = new List<RowPlan>(options.BatchSize);
        var issues = new List<ImportIssue>();
        using (var reader = new UserCsvReader(file))
        {
            foreach (var row in reader.Rows())
            {
                ct.ThrowIfCancellationRequested();
                var plan = rules.Interpret(row, issues);
                if (issues.FirstOrDefault(i => i.Severity == ImportIssue.Error) is { } issue) throw new ImportConflictException(issue);
                issues.Clear();
                breakGlass.Apply(plan!);
                batch.Add(plan!);
                if (batch.Count == options.BatchSize) await FlushAsync();
            }
            if (reader.Issues.FirstOrDefault(i => i.Severity == ImportIssue.Error) is { } shape) throw new ImportConflictException(shape);
        }
        await FlushAsync();
        if (!breakGlass.Holds) throw new ImportConflictException(new ImportIssue(breakGlass.LastRemoval, ImportColumns.SiteAdmin, AdminGuard.Message));

        // 3. Commit: every row, or (on any exception above) none.
        await tx.CommitAsync(ct);
        return new WriteResult(created, updated, unchanged, groupsCreated, methodChanged);

        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            groupsCreated += await CreateGroupsAsync(snapshot, batch, now, ct);

            var creates = batch.Where(p => p.Creates).ToList();
            var ids = creates.Count > 0 ? await bulk.ReserveIdsAsync<User>(creates.Count, ct) : [];
            var users = new List<User>(creates.Count);
            var userIds = new Dictionary<RowPlan, long>(batch.Count, ReferenceEqualityComparer.Instance);
            for (var i = 0; i < creates.Count; i++)
            {
                var p = creates[i];
                var hash = p.Password is not null ? hashes[p.Line] : null;
                users.Add(new User
                {
                    Id = ids[i], SiteId = site.Id, Username = p.Username, UsernameNormalized = p.Normalized,
                    Email = p.Email, Name = p.Name, Company = p.Company, SiteAdmin = p.SiteAdmin,
                    AuthenticationMethod = p.Method, SsoStrategyId = p.SsoStrategyId,
                    PasswordHash = hash, PasswordSetAt = hash is null ? null : now, ImportedPasswordHash = p.ImportedHash,
                    CreatedAt = now,
                });
                userIds[p] = ids[i];
            }
            await bulk.InsertAsync(users, includeKey: true, ct);
            created += creates.Count;

            foreach (var p in batch.Where(p => !p.Creates))
            {
                userIds[p] = p.Existing!.Id;
                if (p.ChangesUser)
                {
                    await UpdateAsync(p, p.Password is not null ? hashes[p.Line] : null, site.Id, now, ct);
                    if (p.MethodChanged) methodChanged.Add(p.Existing.Id);
                }
                if (p.ChangesUser || p.Keys.Count > 0 || snapshot.JoinsNewGroup(p)) updated++;
                else unchanged++;
            }

            await WriteExternalIdsAsync(bulk, snapshot, batch, userIds, site.Id, now, ct);

            var joins = new List<GroupUser>();
            var keys = new List<PublicKey>();
            foreach (var p in batch)
            {
                var userId = userIds[p];
                foreach (var (g, _) in p.Groups)
                {
                    var groupId = snapshot.Groups[g].Id;
                    if (memberships.Add((groupId, userId))) joins.Add(new GroupUser { SiteId = site.Id, GroupId = groupId, UserId = userId });
                }
                foreach (var k in p.Keys)
                    keys.Add(new PublicKey
                    {
                        SiteId = site.Id, UserId = userId, Title = k.Comment.Length > 0 ? k.Comment[..Math.Min(k.Comment.Length, 256)] : "Imported key",
                        KeyText = k.Normalized, Algorithm = k.Algorithm, Bits = k.Bits, Fingerprint = k.FingerprintMd5,
                        FingerprintSha256 = k.FingerprintSha256, CreatedAt = now,
                    });
            }
            await bulk.InsertAsync(joins, includeKey: false, ct);
            await bulk.InsertAsync(keys, includeKey: false, ct);

            done += batch.Count;
            batch.Clear();
            if (failAfter is { } limit && done >= limit) throw new InvalidOperationException($"Injected failure after {done} rows (test).");
            written?.Invoke(done);
        }
    }

    /// <summary>
    /// The rows' external_id values, kept where SCIM keeps a provider's key for a user (one profile per user): inserted
    /// in bulk for new users; for an existing user its profile is re-pointed (a row may also move the user to another
    /// provider), or inserted when it has none.
    /// </summary>
    private async Task WriteExternalIdsAsync(BulkInsert bulk, SiteSnapshot snapshot, List<RowPlan> batch, Dictionary<RowPlan, long> userIds, long siteId, DateTime now, CancellationToken ct)
    {
        var profiles = new List<Provisioning.ScimUserProfile>();
        foreach (var p in batch)
        {
            if (p is not { ChangesExternalId: true, ExternalId: { } externalId, SsoStrategyId: { } sid }) continue;
            var userId = userIds[p];
            // The snapshot (read inside this transaction) says whether the user has a profile: no UPDATE that finds nothing.
            if (snapshot.KeyOfUser.ContainsKey(userId) && await db.Set<Provisioning.ScimUserProfile>().Where(x => x.UserId == userId)
                    // Attributes an earlier provider's SCIM client stored are not the new provider's to see.
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.AttributesJson, x => x.SsoStrategyId == sid ? x.AttributesJson : null)
                        .SetProperty(x => x.SsoStrategyId, sid).SetProperty(x => x.ExternalId, externalId)
                        .SetProperty(x => x.Deleted, false).SetProperty(x => x.UpdatedAt, now), ct) > 0)
                continue;
            profiles.Add(new Provisioning.ScimUserProfile { SiteId = siteId, UserId = userId, SsoStrategyId = sid, ExternalId = externalId, CreatedAt = now, UpdatedAt = now });
        }
        await bulk.InsertAsync(profiles, includeKey: false, ct);
    }

    /// <summary>Creates the batch's missing groups (few, so through EF inside the transaction) and records their ids.</summary>
    private async Task<int> CreateGroupsAsync(SiteSnapshot snapshot, List<RowPlan> batch, DateTime now, CancellationToken ct)
    {
        var missing = batch.SelectMany(p => p.Groups).Where(g => !snapshot.Groups.ContainsKey(g.Normalized))
            .DistinctBy(g => g.Normalized).ToList();
        if (missing.Count == 0) return 0;
        var groups = missing.Select(g => new Group { Name = g.Name, NameNormalized = g.Normalized, CreatedAt = now }).ToList();
        db.Groups.AddRange(groups);
        await db.SaveChangesAsync(ct);
        foreach (var g in groups) snapshot.Groups[g.NameNormalized] = (g.Id, g.Name);
        db.ChangeTracker.Clear();
        return groups.Count;
    }

    private DbCommand? _update;

    /// <summary>
    /// One existing user's new values. The stored hashes follow the users API: a new password replaces both hashes;
    /// sso and none keep neither; password keeps its hash; password_with_imported_hash keeps its imported hash.
    /// </summary>
    private async Task UpdateAsync(RowPlan p, string? newHash, long siteId, DateTime now, CancellationToken ct)
    {
        var cmd = _update ??= PrepareUpdate();
        cmd.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        var keepHash = p.Method == AuthenticationMethods.Password || (p.Method == AuthenticationMethods.PasswordWithImportedHash && p.ImportedHash is null);
        var keepImported = p.Method == AuthenticationMethods.PasswordWithImportedHash;
        object?[] values = [p.Email, p.Name, p.Company, p.SiteAdmin, p.Method, p.SsoStrategyId, newHash, keepHash, p.ImportedHash, keepImported, now, p.Existing!.Id, siteId];
        for (var i = 0; i < values.Length; i++)
            cmd.Parameters[i].Value = (values[i] is { } v && _updateMappings[i].Converter is { } c ? c.ConvertToProvider(v) : values[i]) ?? DBNull.Value;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private RelationalTypeMapping[] _updateMappings = [];

    private DbCommand PrepareUpdate()
    {
        var entity = db.Model.FindEntityType(typeof(User))!;
        var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        string Col(string property) => "\"" + entity.FindProperty(property)!.GetColumnName(store) + "\"";
        RelationalTypeMapping Map(string property) => entity.FindProperty(property)!.GetRelationalTypeMapping();
        var cmd = db.Database.GetDbConnection().CreateCommand();
        (string Name, string Property)[] ps =
        [
            ("@email", nameof(User.Email)), ("@name", nameof(User.Name)), ("@company", nameof(User.Company)), ("@admin", nameof(User.SiteAdmin)),
            ("@method", nameof(User.AuthenticationMethod)), ("@sso", nameof(User.SsoStrategyId)), ("@hash", nameof(User.PasswordHash)),
            ("@keep_hash", nameof(User.SiteAdmin)), ("@imported", nameof(User.ImportedPasswordHash)), ("@keep_imported", nameof(User.SiteAdmin)),
            ("@now", nameof(User.CreatedAt)), ("@id", nameof(User.Id)), ("@site", nameof(User.SiteId)),
        ];
        _updateMappings = ps.Select(p => Map(p.Property)).ToArray();
        foreach (var (name, property) in ps) cmd.Parameters.Add(Map(property).CreateParameter(cmd, name, null, nullable: true));
        cmd.CommandText = $"""
            UPDATE "{entity.GetTableName()}" SET
              {Col("Email")} = @email, {Col("Name")} = @name, {Col("Company")} = @company, {Col("SiteAdmin")} = @admin,
              {Col("AuthenticationMethod")} = @method, {Col("SsoStrategyId")} = @sso,
              {Col("PasswordHash")} = CASE WHEN @hash IS NOT NULL THEN @hash WHEN @keep_hash THEN {Col("PasswordHash")} ELSE NULL END,
              {Col("ImportedPasswordHash")} = CASE WHEN @imported IS NOT NULL THEN @imported WHEN @keep_imported THEN {Col("ImportedPasswordHash")} ELSE NULL END,
              {Col("PasswordSetAt")} = CASE WHEN @hash IS NOT NULL THEN @now ELSE {Col("PasswordSetAt")} END
            WHERE {Col("Id")} = @id AND {Col("SiteId")} = @site
            """;
        return cmd;
    }
}
