using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ECommerce.Runtime.StepFunctions;

// Request and response documents of the AWS Step Functions JSON 1.0 API (the subset this project calls).

public sealed record StartExecutionRequest(
    [property: JsonPropertyName("stateMachineArn")] string StateMachineArn,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("input")] string? Input,
    [property: JsonPropertyName("traceHeader")] string? TraceHeader = null);

public sealed record StartExecutionResponse(
    [property: JsonPropertyName("executionArn")] string ExecutionArn,
    [property: JsonPropertyName("startDate"), JsonConverter(typeof(AwsTimestampConverter))] DateTimeOffset StartDate);

public sealed record DescribeExecutionRequest([property: JsonPropertyName("executionArn")] string ExecutionArn);

public sealed record DescribeExecutionResponse
{
    [JsonPropertyName("executionArn")] public required string ExecutionArn { get; init; }
    [JsonPropertyName("stateMachineArn")] public string? StateMachineArn { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }

    /// <summary>RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }

    [JsonPropertyName("startDate"), JsonConverter(typeof(AwsTimestampConverter))] public DateTimeOffset StartDate { get; init; }
    [JsonPropertyName("stopDate"), JsonConverter(typeof(AwsTimestampConverter))] public DateTimeOffset? StopDate { get; init; }
    [JsonPropertyName("input")] public string? Input { get; init; }
    [JsonPropertyName("output")] public string? Output { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("cause")] public string? Cause { get; init; }
    [JsonPropertyName("redriveCount")] public int? RedriveCount { get; init; }
}

public sealed record CreateStateMachineRequest(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("definition")] string Definition,
    [property: JsonPropertyName("roleArn")] string RoleArn,
    [property: JsonPropertyName("type")] string Type);

public sealed record CreateStateMachineResponse(
    [property: JsonPropertyName("stateMachineArn")] string StateMachineArn,
    [property: JsonPropertyName("creationDate"), JsonConverter(typeof(AwsTimestampConverter))] DateTimeOffset CreationDate);

/// <summary>The error document of the JSON protocol: <c>{"__type": "...#Code", "message": "..."}</c>.</summary>
internal sealed record AwsJsonError(
    [property: JsonPropertyName("__type")] string? Type,
    [property: JsonPropertyName("message")] string? LowerCaseMessage,
    [property: JsonPropertyName("Message")] string? UpperCaseMessage);

/// <summary>
/// AWS JSON protocols send timestamps as epoch seconds (a number, possibly fractional); some emulators send ISO 8601
/// strings instead, which are accepted too.
/// </summary>
public sealed class AwsTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(reader.GetDouble() * 1000)),
            JsonTokenType.String => DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            _ => throw new JsonException($"Expected an epoch-seconds number or an ISO 8601 string, found {reader.TokenType}."),
        };

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.ToUnixTimeMilliseconds() / 1000m);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StartExecutionRequest))]
[JsonSerializable(typeof(StartExecutionResponse))]
[JsonSerializable(typeof(DescribeExecutionRequest))]
[JsonSerializable(typeof(DescribeExecutionResponse))]
[JsonSerializable(typeof(CreateStateMachineRequest))]
[JsonSerializable(typeof(CreateStateMachineResponse))]
[JsonSerializable(typeof(AwsJsonError))]
internal sealed partial class StepFunctionsJsonContext : JsonSerializerContext;
