return await Gatehouse.Cli.CliApp.RunAsync(args);
