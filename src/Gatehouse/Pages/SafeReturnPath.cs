namespace Gatehouse.Pages;

/// <summary>Open-redirect guard for <c>return_to</c>: only an absolute path on this same site is honoured.</summary>
public static class SafeReturnPath
{
    public static bool IsSafe(string? path) =>
        !string.IsNullOrEmpty(path) && path.Length <= 2048
        && path[0] == '/'
        && (path.Length == 1 || (path[1] != '/' && path[1] != '\\'))   // not protocol-relative (//evil, /\evil)
        && !path.Any(c => char.IsControl(c) || c == '\\')
        && !path.StartsWith("/login", StringComparison.OrdinalIgnoreCase)
        && !path.StartsWith("/logout", StringComparison.OrdinalIgnoreCase);

    public static string Or(string? path, string fallback = "/") => IsSafe(path) ? path! : fallback;
}
