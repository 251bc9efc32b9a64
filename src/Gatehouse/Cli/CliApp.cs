using System.CommandLine;

namespace Gatehouse.Cli;

/// <summary>The program's verbs: <c>serve</c>, <c>migrate</c>, <c>sites …</c>, <c>users …</c>.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Gatehouse: single sign-on for a multi-tenant file-sharing service.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(SitesCommands.Create());
        root.Subcommands.Add(UsersCommands.Create());
        return await root.Parse(args).InvokeAsync();
    }
}
