using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Reliability.Tests.Support;

namespace Reliability.Tests;

/// <summary>
/// After a run of orders, some trying to smuggle card numbers in, no card-like number is anywhere in the data folder's
/// files or the logs, and the payments store holds gateway tokens only.
/// </summary>
public sealed class PaymentDataTests(ITestOutputHelper output)
{
    private static readonly string[] SmuggledCards = ["4111111111111111", "5555555555554444", "378282246310005", "6011111111111117", "4000 0566 5566 5556"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AfterARunOfOrders_NoCardNumberIsInAnyDataFileOrLogLine_AndOnlyTokensAreStored()
    {
        await using var runtime = await TestRuntime.StartAsync();
        var smuggling = new Func<JsonObject>[]
        {
            () => TestRuntime.OrderBody(edit: o => o["payment"]!["cardNumber"] = SmuggledCards[0]),
            () => TestRuntime.OrderBody(edit: o => o["card"] = new JsonObject { ["number"] = SmuggledCards[1], ["exp"] = "12/30", ["cvc"] = "123" }),
            () => TestRuntime.OrderBody(token: SmuggledCards[2]),
            () => TestRuntime.OrderBody(edit: o => o["lines"]![0]!["pan"] = SmuggledCards[3]),
            () => TestRuntime.OrderBody(edit: o => o["shipping"]!["cardholder"] = SmuggledCards[4]),
            () => TestRuntime.OrderBody(token: "tok_" + SmuggledCards[0] + "x"),
            () => TestRuntime.OrderBody(edit: o => o["shipping"]!["postalCode"] = SmuggledCards[0]),
        };
        var refusedBodies = new StringBuilder();
        foreach (var body in smuggling.Select(make => make().ToJsonString()))
        {
            using var response = await runtime.PostOrderAsync(body, TestRuntime.NewOrderId("smuggle"), Cancellation);
            var answer = await response.Content.ReadAsStringAsync(Cancellation);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body} answered {(int)response.StatusCode}: {answer}");
            Assert.Empty(CardNumbers.FindIn(answer));
            refusedBodies.AppendLine(body);
        }

        var tokens = new[] { "tok_visa", "tok_chargeDeclined", "tok_flaky_2", "tok_visa" };
        var accepted = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var orderId = TestRuntime.NewOrderId("pay");
            var body = TestRuntime.OrderBody(sku: $"SKU-{(i % 5) + 1}", token: tokens[i % tokens.Length],
                edit: i % 7 == 3 ? o => o["shipping"]!["country"] = "AQ" : null);
            using var response = await runtime.PostOrderAsync(body.ToJsonString(), orderId, Cancellation);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            accepted.Add(orderId);
        }

        var outcomes = await Task.WhenAll(accepted.Select(id => runtime.WaitForTerminalAsync(id, TimeSpan.FromSeconds(60), Cancellation)));
        await TestRuntime.WaitUntilAsync(async () => (await runtime.ExecutionsAsync(Cancellation)).All(e => (string?)e["status"] != "RUNNING"),
            TimeSpan.FromSeconds(20), () => "every execution to finish", Cancellation);

        // The scanner finds every smuggled number in what was sent, so finding none below means none was kept.
        Assert.Equal(SmuggledCards.Length, CardNumbers.FindIn(refusedBodies.ToString()).Distinct().Count());
        var files = Directory.EnumerateFiles(runtime.DataDirectory, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith(".db", StringComparison.Ordinal));
        var found = files.SelectMany(f => CardNumbers.FindIn(ReadAsText(f)).Select(card => $"{Path.GetFileName(f)}: {card}")).ToList();
        found.AddRange(runtime.Logs.Lines.SelectMany(line => CardNumbers.FindIn(line).Select(card => $"log: {card} in {line}")));
        Assert.True(found.Count == 0, "Card-like numbers kept:\n" + string.Join("\n", found));
        var smuggledDigits = SmuggledCards.Select(c => c.Replace(" ", "", StringComparison.Ordinal)).ToArray();
        Assert.DoesNotContain(files, f => smuggledDigits.Any(ReadAsText(f).Contains));

        var charges = await runtime.Services.Stores.ListChargesAsync();
        Assert.NotEmpty(charges);
        Assert.All(charges, c => Assert.StartsWith("tok_", c.Token, StringComparison.Ordinal));
        output.WriteLine($"{smuggling.Length} smuggling bodies refused with 400; {accepted.Count} orders run " +
                         $"({string.Join(", ", outcomes.GroupBy(o => (string?)o["status"]).Select(g => $"{g.Count()} {g.Key}"))}); " +
                         $"scanned {files.Count} files ({files.Sum(f => new FileInfo(f).Length) / 1024} KiB) and {runtime.Logs.Lines.Count} log lines: no card numbers");
    }

    [Theory]
    [InlineData("card 4111 1111 1111 1111 here", "4111111111111111")]
    [InlineData("\"pan\":\"5555-5555-5555-4444\"", "5555555555554444")]
    [InlineData("amex=378282246310005;", "378282246310005")]
    public void CardNumbers_FindsGroupedAndPlainCardNumbers(string text, string expected) =>
        Assert.Equal(expected, Assert.Single(CardNumbers.FindIn(text)));

    [Theory]
    [InlineData("sent at 1764000000000 ms")]
    [InlineData("4111111111111112")]
    [InlineData("handle a41111111111111111f0e")]
    [InlineData("tok_visa and tok_flaky_2")]
    public void CardNumbers_IgnoresTimestampsLuhnFailuresAndHexRuns(string text) => Assert.Empty(CardNumbers.FindIn(text));

    // Every byte as one character, so digits stored as text in a SQLite page (or its WAL) show up as they are.
    private static string ReadAsText(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return Encoding.Latin1.GetString(buffer.ToArray());
        }
        catch (FileNotFoundException)
        {
            // A -wal or -shm side file that SQLite checkpointed and removed since the folder was listed: its pages are in the .db now.
            return "";
        }
    }
}
