using StepFunctionsApi.Hosting;

namespace StepFunctionsApi.Tests;

/// <summary>
/// The test assembly's entry point: runs the tests as xunit's generated entry point would, or, with
/// <c>serve-sfn</c>, serves the Step Functions API over the order saga's fake Lambdas so a test can kill it for real.
/// </summary>
public static class Program
{
    public const string ServeCommand = "serve-sfn";

    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == ServeCommand)
        {
            return CrashServer.Run(args[1..]);
        }
        if (args.Any(arg => arg is "--server" or "--internal-msbuild-node"))
        {
            return Xunit.MicrosoftTestingPlatform.TestPlatformTestFramework
                .RunAsync(args, SelfRegisteredExtensions.AddSelfRegisteredExtensions).GetAwaiter().GetResult();
        }
        return Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args).GetAwaiter().GetResult();
    }
}
