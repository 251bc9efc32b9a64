using Gatehouse.Hosting;
using Microsoft.Extensions.Options;

namespace Gatehouse.Accounts;

/// <summary>Length limits and a shipped list of the 30,000 most common passwords (never fetched at run time).</summary>
public sealed class PasswordPolicy(IOptions<GatehouseOptions> options)
{
    private static readonly Lazy<HashSet<string>> Common = new(LoadCommon);

    public IReadOnlyList<string> Check(string password, string? username)
    {
        var o = options.Value.Passwords;
        var errors = new List<string>();
        if (password.Length < o.MinimumLength) errors.Add($"must be at least {o.MinimumLength} characters");
        if (password.Length > o.MaximumLength) errors.Add($"must be at most {o.MaximumLength} characters");
        if (o.RejectCommon && Common.Value.Contains(password.ToLowerInvariant()))
            errors.Add("is too common: it appears in lists of breached passwords");
        if (username is not null && string.Equals(password, username, StringComparison.OrdinalIgnoreCase))
            errors.Add("must not be the username");
        return errors;
    }

    private static HashSet<string> LoadCommon()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("Gatehouse.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("common-passwords.txt is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0 && line[0] != '#') set.Add(line);
        return set;
    }
}
