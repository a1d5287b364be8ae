namespace ECommerce.Bench.Cost;

/// <summary>
/// us-east-1 on-demand list prices in USD as recorded on <see cref="AsOf"/>, from memory of the public price pages:
/// check them at https://aws.amazon.com/pricing before quoting. Free tiers are ignored (they vanish at scale).
/// </summary>
public sealed record AwsPrices
{
    public const string Region = "us-east-1";
    public const string AsOf = "2026-11-24 (recorded from list prices known as of 2025; unchecked)";

    /// <summary>API Gateway REST API, first 333 million requests a month, per million.</summary>
    public decimal ApiGatewayRestPerMillion { get; init; } = 3.50m;

    /// <summary>SQS standard queue, per million requests (each 64 KiB chunk of a payload is one request).</summary>
    public decimal SqsStandardPerMillion { get; init; } = 0.40m;

    /// <summary>Lambda x86_64 requests, per million.</summary>
    public decimal LambdaRequestsPerMillion { get; init; } = 0.20m;

    /// <summary>Lambda x86_64 compute, per GB-second (first 6 billion GB-s a month).</summary>
    public decimal LambdaPerGbSecond { get; init; } = 0.0000166667m;

    /// <summary>Step Functions Standard, per state transition ($0.025 per 1,000).</summary>
    public decimal StandardPerStateTransition { get; init; } = 0.000025m;

    /// <summary>Step Functions Express, per million requests (executions started).</summary>
    public decimal ExpressRequestsPerMillion { get; init; } = 1.00m;

    /// <summary>Step Functions Express duration at 64 MB, per GB-second, billed in 100 ms increments (first 1,000 h GB).</summary>
    public decimal ExpressPerGbSecond { get; init; } = 0.00001667m;

    /// <summary>DynamoDB on-demand, per million write request units (after the November 2024 price cut).</summary>
    public decimal DynamoDbPerMillionWrites { get; init; } = 0.625m;

    /// <summary>DynamoDB on-demand, per million read request units.</summary>
    public decimal DynamoDbPerMillionReads { get; init; } = 0.125m;

    /// <summary>SNS standard topic, per million publishes (deliveries to subscribers are billed apart and not counted here).</summary>
    public decimal SnsPerMillionPublishes { get; init; } = 0.50m;

    public static AwsPrices ListPrices { get; } = new();
}
