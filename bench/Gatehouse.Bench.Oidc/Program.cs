using BenchmarkDotNet.Running;
using Gatehouse.Bench.Oidc;

BenchmarkSwitcher.FromAssembly(typeof(CallbackValidationBenchmarks).Assembly).Run(args);
