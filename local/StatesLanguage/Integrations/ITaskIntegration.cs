using System.Text.Json.Nodes;

namespace StatesLanguage.Integrations;

/// <summary>A Task resource the engine can call, chosen by resource ARN. Throw <see cref="StatesException"/> to fail the task.</summary>
public interface ITaskIntegration
{
    /// <summary>True when this integration serves <paramref name="resource"/>.</summary>
    bool CanHandle(TaskResource resource);

    Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>What a Task state asks an integration to do.</summary>
public sealed record TaskInvocation(
    TaskResource Resource,
    JsonNode? Input,
    string? TaskToken,
    string ExecutionArn,
    string StateName,
    int Attempt);

/// <summary>A parsed Task resource ARN.</summary>
public sealed record TaskResource(string Arn)
{
    // Parsed once per instance (and again when `with` changes the ARN): these are read on every Task a state runs.
    private Parts _parts = Parts.Of(Arn);
    private readonly string _arn = Arn;

    public string Arn
    {
        get => _arn;
        init
        {
            _arn = value;
            _parts = Parts.Of(value);
        }
    }

    /// <summary>True for <c>arn:aws:lambda:…:function:Name</c> (events are LambdaFunction*).</summary>
    public bool IsLambdaFunctionArn => _parts.IsLambdaFunctionArn;

    /// <summary>True for <c>arn:aws:states:::service:action[.pattern]</c> (events are Task*).</summary>
    public bool IsServiceIntegration => _parts.IsServiceIntegration;

    /// <summary>"lambda" for lambda:invoke, "sns" for sns:publish; "lambda" for a function ARN.</summary>
    public string ResourceType => _parts.ResourceType;

    /// <summary>"invoke", "publish.waitForTaskToken" ...; the whole ARN otherwise.</summary>
    public string ResourceName => _parts.ResourceName;

    /// <summary>The action without its integration pattern suffix.</summary>
    public string Action => _parts.Action;

    public bool WaitForTaskToken => _parts.WaitForTaskToken;

    public bool Sync => _parts.Sync;

    public string Region => _parts.Region;

    public override string ToString() => Arn;

    private sealed record Parts(bool IsLambdaFunctionArn, bool IsServiceIntegration, string ResourceType, string ResourceName, string Action,
        bool WaitForTaskToken, bool Sync, string Region)
    {
        public static Parts Of(string arn)
        {
            var split = arn.Split(':');
            var isLambdaFunction = arn.StartsWith("arn:", StringComparison.Ordinal) && split is [_, _, "lambda", _, _, "function", ..];
            var isService = split is [_, _, "states", _, _, _, _, ..] && !arn.Contains(":activity:", StringComparison.Ordinal);
            var resourceType = isService ? split[5] : split.Length > 2 ? split[2] : arn;
            var resourceName = isService ? string.Join(':', split[6..]) : arn;
            return new Parts(
                isLambdaFunction,
                isService,
                resourceType,
                resourceName,
                resourceName.Split('.')[0],
                arn.EndsWith(".waitForTaskToken", StringComparison.Ordinal),
                arn.EndsWith(".sync", StringComparison.Ordinal) || arn.EndsWith(".sync:2", StringComparison.Ordinal),
                split.Length > 3 && split[3].Length > 0 ? split[3] : "us-east-1");
        }
    }
}
