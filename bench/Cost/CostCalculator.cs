namespace ECommerce.Bench.Cost;

/// <summary>Itemised AWS cost of a million orders from per-order usage and a price list.</summary>
public static class CostCalculator
{
    public const double Orders = 1_000_000;

    public static IReadOnlyList<CostLine> PerMillionOrders(OrderUsage usage, AwsPrices prices, WorkflowType workflow)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(prices);
        var lines = new List<CostLine>
        {
            PerMillion("API Gateway REST requests", usage.ApiGatewayRequests, prices.ApiGatewayRestPerMillion),
            PerMillion("SQS requests", usage.SqsRequests, prices.SqsStandardPerMillion),
            PerMillion("Lambda requests", usage.Lambdas.Sum(l => l.InvocationsPerOrder), prices.LambdaRequestsPerMillion),
        };
        var gbSeconds = usage.Lambdas.Sum(l => l.InvocationsPerOrder * l.BilledMilliseconds / 1000 * l.MemoryMb / 1024) * Orders;
        lines.Add(new CostLine("Lambda compute", gbSeconds, "GB-s", prices.LambdaPerGbSecond, (decimal)gbSeconds * prices.LambdaPerGbSecond));
        if (workflow == WorkflowType.Standard)
        {
            var transitions = usage.StateTransitions * Orders;
            lines.Add(new CostLine("Step Functions Standard state transitions", transitions, "transitions", prices.StandardPerStateTransition,
                (decimal)transitions * prices.StandardPerStateTransition));
        }
        else
        {
            lines.Add(PerMillion("Step Functions Express requests", 1, prices.ExpressRequestsPerMillion));
            var expressGbSeconds = ExpressBilledSeconds(usage) * 64.0 / 1024 * Orders;
            lines.Add(new CostLine("Step Functions Express duration (64 MB)", expressGbSeconds, "GB-s", prices.ExpressPerGbSecond,
                (decimal)expressGbSeconds * prices.ExpressPerGbSecond));
        }
        lines.Add(PerMillion("DynamoDB on-demand writes", usage.DynamoDbWriteUnits, prices.DynamoDbPerMillionWrites));
        lines.Add(PerMillion("DynamoDB on-demand reads", usage.DynamoDbReadUnits, prices.DynamoDbPerMillionReads));
        lines.Add(PerMillion("SNS publishes", usage.SnsPublishes, prices.SnsPerMillionPublishes));
        return lines;
    }

    public static decimal Total(IEnumerable<CostLine> lines) => lines.Sum(l => l.Usd);

    /// <summary>
    /// An Express execution lasts about as long as the saga's own Lambda calls (the StartOrderSaga and GetOrder
    /// functions run outside it), rounded up to the 100 ms billing step.
    /// </summary>
    public static double ExpressBilledSeconds(OrderUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var insideMs = usage.Lambdas.Where(l => l.Function is not (SagaUsage.StartOrderSaga or SagaUsage.GetOrder))
            .Sum(l => l.InvocationsPerOrder * l.BilledMilliseconds) + SagaUsage.EngineOverheadMsPerTransition * usage.StateTransitions;
        return Math.Ceiling(insideMs / 100) / 10;
    }

    private static CostLine PerMillion(string item, double perOrder, decimal pricePerMillion)
    {
        var quantity = perOrder * Orders;
        return new CostLine(item, quantity, "requests", pricePerMillion / 1_000_000m, (decimal)perOrder * pricePerMillion);
    }
}
