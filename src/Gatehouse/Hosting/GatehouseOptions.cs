namespace Gatehouse.Hosting;

/// <summary>Process-wide settings under <c>Gatehouse</c> (appsettings.json + environment variables).</summary>
public sealed class GatehouseOptions
{
    public const string Section = "Gatehouse";

    /// <summary>SQLite file, uploaded files. Relative paths are resolved against the working directory.</summary>
    public string DataDirectory { get; set; } = "data";
    public string BaseDomain { get; set; } = "localhost";
    /// <summary>http or https; used to build absolute URLs (ACS, redirect, SCIM).</summary>
    public string? PublicScheme { get; set; }
    public DatabaseOptions Database { get; set; } = new();
    public OutboundOptions Outbound { get; set; } = new();
    public SignInOptions SignIn { get; set; } = new();
    public PasswordPolicyOptions Passwords { get; set; } = new();
}

public sealed class DatabaseOptions
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";
}

public sealed class OutboundOptions
{
    public bool? AllowHttp { get; set; }
    public bool? AllowPrivateNetworks { get; set; }
}

public sealed class SignInOptions
{
    /// <summary>Failed password attempts before the account is locked.</summary>
    public int LockoutTries { get; set; } = 6;
    public TimeSpan LockoutPeriod { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Sign-in attempts allowed from one IP address per window, all sites together.</summary>
    public int AttemptsPerIp { get; set; } = 30;
    public TimeSpan IpWindow { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan WebSessionLifetime { get; set; } = TimeSpan.FromHours(12);
    public TimeSpan ApiSessionLifetime { get; set; } = TimeSpan.FromHours(6);
}

public sealed class PasswordPolicyOptions
{
    public int MinimumLength { get; set; } = 10;
    public int MaximumLength { get; set; } = 256;
    public bool RejectCommon { get; set; } = true;
}
