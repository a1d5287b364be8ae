using System.Diagnostics;

namespace StepFunctionsApi.Tests;

/// <summary>Runs the AWS CLI or python3 against the local API with dummy credentials; skips the test when the tool is missing.</summary>
public static class ExternalTool
{
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string tool, IEnumerable<string> args, Uri endpoint, string? stdin = null)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["AWS_ACCESS_KEY_ID"] = "AKIDLOCALTEST";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "local-secret";
        start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        start.Environment["AWS_PAGER"] = "";
        start.Environment["SFN_ENDPOINT"] = endpoint.ToString();
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip($"'{tool}' is not installed on this machine.");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin);
            }
            process.StandardInput.Close();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            return (process.ExitCode, await stdout, await stderr);
        }
    }

    /// <summary>Skips unless <c>python3 -c "import boto3"</c> works.</summary>
    public static async Task RequireBoto3Async(Uri endpoint)
    {
        var (exit, _, _) = await RunAsync("python3", ["-c", "import boto3"], endpoint);
        if (exit != 0)
        {
            Assert.Skip("boto3 is not importable by python3 here.");
        }
    }
}
