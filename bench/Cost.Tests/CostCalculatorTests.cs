using ECommerce.Bench.Cost;

namespace Cost.Tests;

public class CostCalculatorTests
{
    private static readonly OrderUsage OneOfEach = new("unit", ApiGatewayRequests: 1, SqsRequests: 1,
        Lambdas: [new LambdaUsage("F", 1, 1000, MemoryMb: 1024)], StateTransitions: 1, DynamoDbWriteUnits: 1, DynamoDbReadUnits: 1, SnsPublishes: 1);

    [Fact]
    public void PerMillionOrders_OneUnitOfEachStandard_ChargesEachListPriceOncePerMillion()
    {
        var prices = AwsPrices.ListPrices;
        var lines = CostCalculator.PerMillionOrders(OneOfEach, prices, WorkflowType.Standard).ToDictionary(l => l.Item, l => l.Usd);

        Assert.Equal(3.50m, lines["API Gateway REST requests"]);
        Assert.Equal(0.40m, lines["SQS requests"]);
        Assert.Equal(0.20m, lines["Lambda requests"]);
        Assert.Equal(16.6667m, lines["Lambda compute"]); // 1 GB for 1 s, a million times
        Assert.Equal(25m, lines["Step Functions Standard state transitions"]);
        Assert.Equal(0.625m, lines["DynamoDB on-demand writes"]);
        Assert.Equal(0.125m, lines["DynamoDB on-demand reads"]);
        Assert.Equal(0.50m, lines["SNS publishes"]);
    }

    [Fact]
    public void PerMillionOrders_Express_BillsRequestsAndDurationInsteadOfTransitions()
    {
        var lines = CostCalculator.PerMillionOrders(OneOfEach, AwsPrices.ListPrices, WorkflowType.Express);

        Assert.DoesNotContain(lines, l => l.Item.Contains("state transitions", StringComparison.Ordinal));
        Assert.Equal(1.00m, lines.Single(l => l.Item == "Step Functions Express requests").Usd);
        // 1,000 ms of Lambda plus 10 ms overhead rounds up to 1.1 s at 64 MB.
        var duration = lines.Single(l => l.Item == "Step Functions Express duration (64 MB)");
        Assert.Equal(1.1 * 64 / 1024 * 1_000_000, duration.Quantity, precision: 6);
    }

    [Fact]
    public void ExpressBilledSeconds_LeavesOutFunctionsThatRunOutsideTheExecution()
    {
        var usage = OneOfEach with { Lambdas = [new LambdaUsage(SagaUsage.StartOrderSaga, 1, 5000), new LambdaUsage("Inside", 1, 150)] };

        Assert.Equal(0.2, CostCalculator.ExpressBilledSeconds(usage), precision: 9);
    }

    [Fact]
    public void Standard_CompensatedPath_CostsMoreThanHappyPath()
    {
        var happy = CostCalculator.Total(CostCalculator.PerMillionOrders(SagaUsage.HappyPath, AwsPrices.ListPrices, WorkflowType.Standard));
        var compensated = CostCalculator.Total(CostCalculator.PerMillionOrders(SagaUsage.CompensatedPath, AwsPrices.ListPrices, WorkflowType.Standard));

        Assert.True(compensated > happy, $"compensated {compensated} should exceed happy {happy}");
    }

    [Fact]
    public void Express_HappyPath_IsCheaperThanStandard()
    {
        var standard = CostCalculator.Total(CostCalculator.PerMillionOrders(SagaUsage.HappyPath, AwsPrices.ListPrices, WorkflowType.Standard));
        var express = CostCalculator.Total(CostCalculator.PerMillionOrders(SagaUsage.HappyPath, AwsPrices.ListPrices, WorkflowType.Express));

        Assert.True(express < standard, $"express {express} should be below standard {standard}");
    }
}
