namespace ECommerce.LocalHost;

/// <summary>How the local runtime runs; every default works with nothing configured.</summary>
public sealed record LocalRuntimeOptions
{
    public const int DefaultApiPort = 3000;
    public const int DefaultStepFunctionsPort = 8083;

    /// <summary>Where the SQLite files live: the user's local app data unless given.</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory();

    /// <summary>The orders API and the console (0 picks a free port).</summary>
    public int ApiPort { get; init; } = DefaultApiPort;

    /// <summary>The Step Functions API, where the AWS CLI points --endpoint-url (0 picks a free port).</summary>
    public int StepFunctionsPort { get; init; } = DefaultStepFunctionsPort;

    /// <summary>Above this many waiting orders POST /orders answers 429 instead of queueing more.</summary>
    public long MaxQueueDepth { get; init; } = 10_000;

    /// <summary>How long a delivered order message stays hidden before it is delivered again (SQS visibility timeout).</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Receives after which a message that keeps failing moves to the dead-letter queue (the template's maxReceiveCount).</summary>
    public int MaxReceiveCount { get; init; } = 5;

    /// <summary>
    /// Batches of orders the queue's event source hands to StartOrderSaga at once (Lambda runs an SQS event source's
    /// batches concurrently too); each batch's sagas then run side by side in the engine. 0 turns the event source off,
    /// like an event source mapping with Enabled: false: orders wait in the queue until something delivers them.
    /// </summary>
    public int QueuePollers { get; init; } = 8;

    /// <summary>Where template.yaml and statemachines/ are; the copies next to the executable by default.</summary>
    public string DeploymentDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "deploy");

    public static string DefaultDataDirectory() =>
        Environment.GetEnvironmentVariable("ECOMMERCE_LOCAL_DATA") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
                "ecommerce-order-saga");
}
