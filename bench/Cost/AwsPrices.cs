namespace ECommerce.Bench.Cost;

/// <summary>
/// us-east-1 on-demand list prices in USD, each checked on <see cref="AsOf"/> against the page cited beside it (docs/cost.md
/// says which are confirmed by an AWS page and which only by secondary sources). Free tiers are ignored (they vanish at
/// scale); every price is the first volume tier, which a million orders a month stays inside.
/// </summary>
public sealed record AwsPrices
{
    public const string Region = "us-east-1";
    public const string AsOf = "2026-11-24 (checked against the pages cited in bench/Cost/AwsPrices.cs; see docs/cost.md)";

    /// <summary>API Gateway REST API, first 333 million requests a month, per million.</summary>
    /// <remarks>AWS: https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html (table 4).</remarks>
    public decimal ApiGatewayRestPerMillion { get; init; } = 3.50m;

    /// <summary>SQS standard queue, per million requests (each 64 KiB chunk of a payload is one request), first 100 billion a month.</summary>
    /// <remarks>Secondary only: https://cloudburn.io/blog/amazon-sqs-pricing (March 2026), https://unanswered.io/guide/aws-sqs-pricing-and-cost-optimization.</remarks>
    public decimal SqsStandardPerMillion { get; init; } = 0.40m;

    /// <summary>Lambda requests (x86_64 and arm64 alike), per million.</summary>
    /// <remarks>AWS: https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html ("$0.20 per 1 million requests").</remarks>
    public decimal LambdaRequestsPerMillion { get; init; } = 0.20m;

    /// <summary>Lambda x86_64 compute, per GB-second (first 6 billion GB-s a month).</summary>
    /// <remarks>
    /// AWS: https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html gives it rounded, "$0.00001667 for
    /// every GB-second"; the unrounded tier price is from https://cloudchipr.com/blog/aws-lambda-pricing and https://modal.com/blog/aws-lambda-price-article.
    /// </remarks>
    public decimal LambdaPerGbSecond { get; init; } = 0.0000166667m;

    /// <summary>Lambda arm64 (Graviton) compute, per GB-second (first 7.5 billion GB-s a month); the template deploys x86_64.</summary>
    /// <remarks>Secondary only: https://cloudchipr.com/blog/aws-lambda-pricing.</remarks>
    public decimal LambdaArmPerGbSecond { get; init; } = 0.0000133334m;

    /// <summary>Step Functions Standard, per state transition ($0.025 per 1,000).</summary>
    /// <remarks>AWS: https://aws.amazon.com/step-functions/pricing/ (state transitions pricing table, US East (N. Virginia) $0.0250 per 1,000).</remarks>
    public decimal StandardPerStateTransition { get; init; } = 0.000025m;

    /// <summary>Step Functions Express, per million requests (executions started).</summary>
    /// <remarks>
    /// AWS pricing page's example, read through a mirror: https://mdsite.deno.dev/https://aws.amazon.com/step-functions/pricing
    /// ("The price is $1.00 per million requests"); also https://aws.amazon.com/blogs/compute/building-cost-effective-aws-step-functions-workflows/.
    /// </remarks>
    public decimal ExpressRequestsPerMillion { get; init; } = 1.00m;

    /// <summary>
    /// Step Functions Express duration, per GB-second, billed in 64 MB chunks and 100 ms steps: $0.06 per GB-hour for the first
    /// 1,000 GB-hours a month ($0.03 for the next 4,000, $0.01642 beyond), i.e. $0.06 / 3,600 per GB-second.
    /// </summary>
    /// <remarks>Same AWS pricing-page example as <see cref="ExpressRequestsPerMillion"/>.</remarks>
    public decimal ExpressPerGbSecond { get; init; } = 0.06m / 3600m;

    /// <summary>DynamoDB on-demand, per million write request units (after the November 2024 price cut).</summary>
    /// <remarks>
    /// Secondary only: https://airbyte.com/data-engineering-resources/dynamodb-pricing,
    /// https://www.jusdb.com/blog/dynamodb-cost-optimization-a-comprehensive-guide-by-jusdb (50 % cut from $1.25 on 2024-11-01).
    /// </remarks>
    public decimal DynamoDbPerMillionWrites { get; init; } = 0.625m;

    /// <summary>DynamoDB on-demand, per million read request units (after the November 2024 price cut).</summary>
    /// <remarks>Secondary only, same pages as <see cref="DynamoDbPerMillionWrites"/>.</remarks>
    public decimal DynamoDbPerMillionReads { get; init; } = 0.125m;

    /// <summary>SNS standard topic, per million publishes (deliveries to subscribers are billed apart and not counted here).</summary>
    /// <remarks>Secondary only: https://www.factualminds.com/blog/amazon-sns-pricing-publishes-fanout-protocols/ (June 2026).</remarks>
    public decimal SnsPerMillionPublishes { get; init; } = 0.50m;

    public static AwsPrices ListPrices { get; } = new();
}
