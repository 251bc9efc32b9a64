using BenchmarkDotNet.Running;
using Gatehouse.Bench.Saml;

if (args is ["parts"])
{
    // Quick breakdown with a stopwatch (not a benchmark): where does full validation spend its time?
    PartsBreakdown.Run();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(ResponseValidationBenchmarks).Assembly).Run(args);
