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
    /// <summary>True for <c>arn:aws:lambda:…:function:Name</c> (events are LambdaFunction*).</summary>
    public bool IsLambdaFunctionArn => Arn.StartsWith("arn:", StringComparison.Ordinal) && Arn.Split(':') is [_, _, "lambda", _, _, "function", ..];

    /// <summary>True for <c>arn:aws:states:::service:action[.pattern]</c> (events are Task*).</summary>
    public bool IsServiceIntegration => Arn.Split(':') is [_, _, "states", _, _, _, _, ..] && !Arn.Contains(":activity:", StringComparison.Ordinal);

    /// <summary>"lambda" for lambda:invoke, "sns" for sns:publish; "lambda" for a function ARN.</summary>
    public string ResourceType => IsServiceIntegration ? Arn.Split(':')[5] : Arn.Split(':') is { Length: > 2 } p ? p[2] : Arn;

    /// <summary>"invoke", "publish.waitForTaskToken" ...; the whole ARN otherwise.</summary>
    public string ResourceName => IsServiceIntegration ? string.Join(':', Arn.Split(':')[6..]) : Arn;

    /// <summary>The action without its integration pattern suffix.</summary>
    public string Action => ResourceName.Split('.')[0];

    public bool WaitForTaskToken => Arn.EndsWith(".waitForTaskToken", StringComparison.Ordinal);

    public bool Sync => Arn.EndsWith(".sync", StringComparison.Ordinal) || Arn.EndsWith(".sync:2", StringComparison.Ordinal);

    public string Region => Arn.Split(':') is { Length: > 3 } p && p[3].Length > 0 ? p[3] : "us-east-1";

    public override string ToString() => Arn;
}
