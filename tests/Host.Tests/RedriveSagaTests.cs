using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ECommerce.Inventory.Domain;
using ECommerce.LocalHost;
using ECommerce.Payments.Domain;
using Microsoft.Extensions.Logging;
using StepFunctionsConsole;

namespace Host.Tests;

/// <summary>
/// The stuck-compensation story end to end on the local runtime: a refund that keeps failing fails the saga (order
/// FAILED, one alert), the fault is fixed, RedriveExecution reruns only the stuck compensation and the order ends
/// CANCELLED with the money refunded once and the stock whole.
/// </summary>
public sealed class RedriveSagaTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(150);

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("redrive-saga-").FullName;
    private LocalRuntime _runtime = null!;
    private HttpClient _api = null!;
    private HttpClient _stepFunctionsHttp = null!;
    private StepFunctionsReader _stepFunctions = null!;

    public async ValueTask InitializeAsync()
    {
        _runtime = await LocalRuntime.StartAsync(new LocalRuntimeOptions { DataDirectory = _dataDirectory, ApiPort = 0, StepFunctionsPort = 0 },
            logging => logging.ClearProviders());
        _api = new HttpClient { BaseAddress = _runtime.ApiEndpoint, Timeout = TimeSpan.FromSeconds(30) };
        _stepFunctionsHttp = new HttpClient { BaseAddress = _runtime.StepFunctionsEndpoint, Timeout = TimeSpan.FromSeconds(30) };
        _stepFunctions = new StepFunctionsReader(_stepFunctionsHttp);
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        _stepFunctionsHttp.Dispose();
        await _runtime.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task AStuckRefund_FailsTheOrderWithOneAlert_AndARedriveAfterTheFix_CancelsItWithOneRefundAndNoStepRunTwice()
    {
        var ct = TestContext.Current.CancellationToken;
        const string orderId = "redrive-order-1";
        var executionArn = _runtime.Services.StepFunctions.ExecutionArn(LocalServices.StateMachineName, orderId);
        await SetRefundsAvailableAsync(false);

        await PostOrderAsync(orderId, country: "AQ");
        var failed = await WaitForOrderStatusAsync(orderId, "FAILED");
        var alerts = await WaitForAlertsAsync(orderId, atLeast: 1);
        var failedPage = await _api.GetStringAsync("/console/execution?arn=" + Uri.EscapeDataString(executionArn), ct);
        var failedExecution = await _stepFunctions.DescribeExecutionAsync(executionArn, ct);

        await SetRefundsAvailableAsync(true);
        var redrive = await _stepFunctions.RedriveExecutionAsync(executionArn, ct);
        var cancelled = await WaitForOrderStatusAsync(orderId, "CANCELLED");
        var ended = await WaitForExecutionEndAsync(executionArn);
        var history = (await _stepFunctions.GetExecutionHistoryAsync(executionArn, ct))["events"]!.AsArray();
        var charge = await _runtime.Services.Stores.Payments.GetAsync(orderId, ct);
        var stock = (await _runtime.Services.Stores.Inventory.ListSkusAsync()).Single(s => s.Sku == "SKU-1");
        var reservation = await _runtime.Services.Stores.Inventory.GetReservationAsync(orderId, ct);
        var alertsAfter = await AlertsAsync(orderId);
        var redrivenPage = await _api.GetStringAsync("/console/execution?arn=" + Uri.EscapeDataString(executionArn), ct);

        // Stuck: the refund gave up after its retries, the order needs attention, and the console offers a redrive.
        Assert.StartsWith("FAILED: PaymentGatewayUnavailable", (string?)failed["reason"], StringComparison.Ordinal);
        Assert.Equal(("FAILED", "PaymentGatewayUnavailable", "REDRIVABLE"),
            ((string?)failedExecution["status"], (string?)failedExecution["error"], (string?)failedExecution["redriveStatus"]));
        Assert.Single(alerts);
        Assert.Contains("data-testid=\"redrive\"", failedPage, StringComparison.Ordinal);

        // Redriven: the saga finished its compensations and cancelled the order.
        Assert.NotNull(redrive["redriveDate"]);
        Assert.Equal("CANCELLED", (string?)cancelled["status"]);
        // The saga ends in its Fail state with the error that cancelled the order.
        Assert.Equal(("FAILED", "AddressUnserviceable", 1), ((string?)ended["status"], (string?)ended["error"], (int?)ended["redriveCount"]));
        Assert.Single(alertsAfter);

        // Money and stock: one refund, the reservation released and the stock whole again.
        Assert.Equal(ChargeStatus.Refunded, charge!.Status);
        Assert.NotNull(charge.RefundId);
        Assert.Equal(ReservationStatus.Released, reservation!.Status);
        Assert.Equal((100, 0), (stock.Stock + stock.Reserved, stock.Reserved));

        // History: one redrive; completed steps were not scheduled again; the refund succeeded once.
        Assert.Single(history, e => (string?)e!["type"] == "ExecutionRedriven");
        var scheduled = TaskEventsByState(history, "TaskScheduled");
        var succeeded = TaskEventsByState(history, "TaskSucceeded");
        Assert.Equal(1, scheduled.GetValueOrDefault("Reserve inventory"));
        Assert.Equal(1, scheduled.GetValueOrDefault("Charge payment"));
        Assert.Equal(1, scheduled.GetValueOrDefault("Ship order"));
        Assert.Equal(1, succeeded.GetValueOrDefault("Refund payment"));
        Assert.Equal(1, scheduled.GetValueOrDefault("Release inventory"));
        Assert.Equal(1, succeeded.GetValueOrDefault("Release inventory"));

        // Console: the redrive is counted in the summary, the history is split at it, the graph marks the rerun states.
        Assert.Contains("Redriven 1×", redrivenPage, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"redrive-separator\"", redrivenPage, StringComparison.Ordinal);
        Assert.Contains("data-redriven=\"true\"", redrivenPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConsoleRedriveButton_RedrivesAFailedExecution_AndRefusesASucceededOneWithAwsReason()
    {
        var ct = TestContext.Current.CancellationToken;
        var machine = await _stepFunctions.CallAsync("CreateStateMachine", new JsonObject
        {
            ["name"] = "Failing",
            ["roleArn"] = "arn:aws:iam::123456789012:role/Console",
            ["definition"] = """{"StartAt":"Work","States":{"Work":{"Type":"Pass","Next":"Stop"},"Stop":{"Type":"Fail","Error":"Stuck","Cause":"always"}}}""",
        }, ct);
        var machineArn = (string)machine["stateMachineArn"]!;
        var failedArn = (string)(await _stepFunctions.StartExecutionAsync(machineArn, "console-failed", "{}", ct))["executionArn"]!;
        await WaitForExecutionEndAsync(failedArn);
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _runtime.ApiEndpoint };

        using var redrive = await noRedirects.PostAsync("/console/execution/redrive",
            new FormUrlEncodedContent([KeyValuePair.Create("arn", failedArn)]), ct);
        var ended = await WaitForExecutionEndAsync(failedArn);
        var page = await _api.GetStringAsync("/console/execution?arn=" + Uri.EscapeDataString(failedArn), ct);
        var passing = await _stepFunctions.CallAsync("CreateStateMachine", new JsonObject
        {
            ["name"] = "Passing",
            ["roleArn"] = "arn:aws:iam::123456789012:role/Console",
            ["definition"] = """{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}""",
        }, ct);
        var succeededArn = (string)(await _stepFunctions.StartExecutionAsync((string)passing["stateMachineArn"]!, "console-ok", "{}", ct))["executionArn"]!;
        await WaitForExecutionEndAsync(succeededArn);
        using var refused = await noRedirects.PostAsync("/console/execution/redrive",
            new FormUrlEncodedContent([KeyValuePair.Create("arn", succeededArn)]), ct);
        var refusedPage = await refused.Content.ReadAsStringAsync(ct);

        Assert.Equal(System.Net.HttpStatusCode.Redirect, redrive.StatusCode);
        Assert.Equal(("FAILED", 1), ((string?)ended["status"], (int?)ended["redriveCount"]));
        Assert.Contains("Redriven 1×", page, StringComparison.Ordinal);
        Assert.Contains("reran Stop", page, StringComparison.Ordinal);
        Assert.Contains("class=\"redriven-attempt\"", page, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("ExecutionNotRedrivable: Execution is SUCCEEDED and cannot be redriven.", refusedPage, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"redrive\"", refusedPage, StringComparison.Ordinal);
    }

    /// <summary>How many events of <paramref name="type"/> each top-level state produced (by the state entered last).</summary>
    private static Dictionary<string, int> TaskEventsByState(JsonArray history, string type)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        string? state = null;
        foreach (var historyEvent in history)
        {
            var eventType = (string?)historyEvent!["type"] ?? "";
            if (eventType.EndsWith("StateEntered", StringComparison.Ordinal))
            {
                state = (string?)historyEvent["stateEnteredEventDetails"]!["name"];
            }
            else if (eventType == type && state is not null)
            {
                counts[state] = counts.GetValueOrDefault(state) + 1;
            }
        }

        return counts;
    }

    private async Task SetRefundsAvailableAsync(bool available)
    {
        using var response = await _api.PostAsJsonAsync("/local/faults", new { refundsAvailable = available }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private async Task PostOrderAsync(string orderId, string country)
    {
        var order = new JsonObject
        {
            ["customerId"] = "c-redrive",
            ["lines"] = new JsonArray(new JsonObject { ["sku"] = "SKU-1", ["quantity"] = 2 }),
            ["payment"] = new JsonObject { ["token"] = "tok_visa" },
            ["shipping"] = new JsonObject { ["name"] = "A B", ["line1"] = "1 Main St", ["city"] = "McMurdo", ["postalCode"] = "12345", ["country"] = country },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = new StringContent(order.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", orderId);
        using var response = await _api.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    private async Task<JsonObject> WaitForOrderStatusAsync(string orderId, string status)
    {
        var deadline = DateTime.UtcNow + Patience;
        JsonObject? order = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await _api.GetAsync("/orders/" + orderId, TestContext.Current.CancellationToken);
            if (response.IsSuccessStatusCode)
            {
                order = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
                if ((string?)order["status"] == status)
                {
                    return order;
                }
            }

            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"order {orderId} did not reach {status}; last seen: {order?.ToJsonString()}");
    }

    private async Task<JsonObject> WaitForExecutionEndAsync(string executionArn)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var described = await _stepFunctions.DescribeExecutionAsync(executionArn, TestContext.Current.CancellationToken);
            if ((string?)described["status"] != "RUNNING")
            {
                return described;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException(executionArn + " did not end");
    }

    private async Task<IReadOnlyList<JsonObject>> AlertsAsync(string orderId)
    {
        var body = JsonNode.Parse(await _api.GetStringAsync("/local/topics/messages?topic=OperationsAlertsTopic", TestContext.Current.CancellationToken))!;
        return body["messages"]!.AsArray()
            .Select(m => JsonNode.Parse((string)m!["message"]!)!.AsObject())
            .Where(m => (string?)m["eventType"] == "OrderNeedsAttention" && (string?)m["orderId"] == orderId)
            .ToList();
    }

    private async Task<IReadOnlyList<JsonObject>> WaitForAlertsAsync(string orderId, int atLeast)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var alerts = await AlertsAsync(orderId);
            if (alerts.Count >= atLeast || DateTime.UtcNow > deadline)
            {
                // Give a duplicate delivery a moment to show up before the caller counts.
                await Task.Delay(500, TestContext.Current.CancellationToken);
                return await AlertsAsync(orderId);
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
