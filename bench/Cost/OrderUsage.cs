namespace ECommerce.Bench.Cost;

/// <summary>One Lambda function's part in an order: invocations per order and the billed duration of each.</summary>
public sealed record LambdaUsage(string Function, double InvocationsPerOrder, double BilledMilliseconds, int MemoryMb = 256);

/// <summary>What one order consumes on one path through the saga.</summary>
public sealed record OrderUsage(
    string Path,
    double ApiGatewayRequests,
    double SqsRequests,
    IReadOnlyList<LambdaUsage> Lambdas,
    int StateTransitions,
    double DynamoDbWriteUnits,
    double DynamoDbReadUnits,
    double SnsPublishes);

/// <summary>Standard bills per state transition; Express per execution plus its duration.</summary>
public enum WorkflowType
{
    Standard,
    Express,
}

/// <summary>One line of the bill for a million orders.</summary>
public sealed record CostLine(string Item, double Quantity, string Unit, decimal UnitPrice, decimal Usd);
