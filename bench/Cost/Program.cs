using System.Globalization;
using ECommerce.Bench.Cost;

// Prints the itemised cost per million orders for both saga paths, Standard and Express, as Markdown (docs/cost.md).
var prices = AwsPrices.ListPrices;
Console.WriteLine($"Prices: {AwsPrices.Region}, {AwsPrices.AsOf}.");
foreach (var usage in new[] { SagaUsage.HappyPath, SagaUsage.CompensatedPath })
{
    foreach (var workflow in new[] { WorkflowType.Standard, WorkflowType.Express })
    {
        var lines = CostCalculator.PerMillionOrders(usage, prices, workflow);
        Console.WriteLine();
        Console.WriteLine($"### {usage.Path}, {workflow}");
        Console.WriteLine();
        Console.WriteLine("| item | quantity per million orders | unit price (USD) | USD |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var line in lines)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {line.Item} | {line.Quantity:#,0.##} {line.Unit} | {line.UnitPrice:0.##########} | {line.Usd:0.00} |"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| **total** | | | **{CostCalculator.Total(lines):0.00}** |"));
    }
}
