using System.Globalization;
using StepFunctionsApi.Hosting;

namespace StepFunctionsApi.Tests;

/// <summary>
/// The server process the crash test kills: the API over a SQLite file with slow fake saga Lambdas.
/// Arguments: --db PATH --delay-ms N --log PATH. It stops by itself when its standard input closes (the test went away).
/// </summary>
public static class CrashServer
{
    public static int Run(string[] args)
    {
        string Arg(string name) => args[Array.IndexOf(args, name) + 1];
        var lambdas = new FakeSagaLambdas(TimeSpan.FromMilliseconds(int.Parse(Arg("--delay-ms"), CultureInfo.InvariantCulture)), Arg("--log"));
        using var stop = new CancellationTokenSource();
        var watchdog = new Thread(() =>
        {
            while (Console.In.ReadLine() is not null)
            {
            }
            stop.Cancel();
        }) { IsBackground = true };
        watchdog.Start();
        StepFunctionsApiServer.RunAsync(["--port", "0", "--db", Arg("--db")], new StepFunctionsApiOptions { LambdaInvoker = lambdas }, Console.Out, stop.Token)
            .GetAwaiter().GetResult();
        return 0;
    }
}
