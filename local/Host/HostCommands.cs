using System.Diagnostics;
using ECommerce.LocalHost.Queue;

namespace ECommerce.LocalHost;

/// <summary>The local runtime's commands.</summary>
internal static class HostCommands
{
    private const string SampleOrder =
        """{"customerId":"c-1","lines":[{"sku":"SKU-1","quantity":2}],"payment":{"token":"tok_visa"},"shipping":{"name":"A B","line1":"1 Main St","city":"Springfield","postalCode":"12345","country":"US"}}""";

    public static async Task<int> RunAsync(LocalRuntimeOptions options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var runtime = await LocalRuntime.StartAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
        var api = runtime.ApiEndpoint.ToString().TrimEnd('/');
        Console.WriteLine($$"""

            ECommerce order saga, running locally (ready in {{Stopwatch.GetElapsedTime(started).TotalSeconds:F1}} s)
              Orders API          {{api}}/orders
              Console             {{runtime.ConsoleEndpoint}}
              Step Functions API  {{runtime.StepFunctionsEndpoint}}   (aws stepfunctions --endpoint-url {{runtime.StepFunctionsEndpoint}} ...)
              Topic messages      {{api}}/local/topics/messages
              Data                {{options.DataDirectory}}

            Try:
              curl -s -X POST {{api}}/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: order-1' \
                -d '{{SampleOrder}}'
              curl -s {{api}}/orders/order-1

            Press Ctrl+C to stop.
            """);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C
        }

        return 0;
    }

    public static int Reset(LocalRuntimeOptions options)
    {
        if (!Directory.Exists(options.DataDirectory))
        {
            Console.WriteLine($"Nothing to reset: {options.DataDirectory} does not exist.");
            return 0;
        }

        var files = Directory.GetFiles(options.DataDirectory, "*.db*");
        foreach (var file in files)
        {
            File.Delete(file);
        }

        Console.WriteLine($"Deleted {files.Length} files from {options.DataDirectory}; the catalogue is seeded again on the next run.");
        return 0;
    }

    public static async Task<int> RedriveDeadLettersAsync(LocalRuntimeOptions options, CancellationToken cancellationToken)
    {
        using var queue = new SqliteQueue(Path.Combine(options.DataDirectory, "queue.db"), LocalServices.OrdersQueueName, new QueueOptions(), TimeProvider.System);
        var moved = await queue.RedriveDeadLettersAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"Moved {moved} messages from {queue.DeadLetterName} back to {queue.Name}.");
        return 0;
    }
}
