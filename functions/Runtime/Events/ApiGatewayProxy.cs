using System.Text.Json.Serialization;

namespace ECommerce.Runtime.Events;

// Same JSON shapes as Amazon.Lambda.APIGatewayEvents (REST API, proxy integration, payload format 1.0).

/// <summary>A REST API proxy-integration request.</summary>
public sealed record ApiGatewayProxyRequest
{
    [JsonPropertyName("resource")] public string? Resource { get; init; }
    [JsonPropertyName("path")] public string? Path { get; init; }
    [JsonPropertyName("httpMethod")] public string? HttpMethod { get; init; }
    [JsonPropertyName("headers")] public IReadOnlyDictionary<string, string>? Headers { get; init; }
    [JsonPropertyName("multiValueHeaders")] public IReadOnlyDictionary<string, IReadOnlyList<string>>? MultiValueHeaders { get; init; }
    [JsonPropertyName("queryStringParameters")] public IReadOnlyDictionary<string, string>? QueryStringParameters { get; init; }

    [JsonPropertyName("multiValueQueryStringParameters")]
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? MultiValueQueryStringParameters { get; init; }

    [JsonPropertyName("pathParameters")] public IReadOnlyDictionary<string, string>? PathParameters { get; init; }
    [JsonPropertyName("stageVariables")] public IReadOnlyDictionary<string, string>? StageVariables { get; init; }
    [JsonPropertyName("requestContext")] public ApiGatewayRequestContext? RequestContext { get; init; }
    [JsonPropertyName("body")] public string? Body { get; init; }
    [JsonPropertyName("isBase64Encoded")] public bool IsBase64Encoded { get; init; }
}

/// <summary>The requestContext of a REST API proxy request (the fields this project reads or logs).</summary>
public sealed record ApiGatewayRequestContext
{
    [JsonPropertyName("accountId")] public string? AccountId { get; init; }
    [JsonPropertyName("apiId")] public string? ApiId { get; init; }
    [JsonPropertyName("resourceId")] public string? ResourceId { get; init; }
    [JsonPropertyName("resourcePath")] public string? ResourcePath { get; init; }
    [JsonPropertyName("httpMethod")] public string? HttpMethod { get; init; }
    [JsonPropertyName("path")] public string? Path { get; init; }
    [JsonPropertyName("stage")] public string? Stage { get; init; }
    [JsonPropertyName("requestId")] public string? RequestId { get; init; }
    [JsonPropertyName("extendedRequestId")] public string? ExtendedRequestId { get; init; }
    [JsonPropertyName("requestTime")] public string? RequestTime { get; init; }
    [JsonPropertyName("requestTimeEpoch")] public long RequestTimeEpoch { get; init; }
    [JsonPropertyName("protocol")] public string? Protocol { get; init; }
}

/// <summary>A REST API proxy-integration response.</summary>
public sealed record ApiGatewayProxyResponse
{
    [JsonPropertyName("statusCode")] public int StatusCode { get; init; }
    [JsonPropertyName("headers")] public IReadOnlyDictionary<string, string>? Headers { get; init; }
    [JsonPropertyName("multiValueHeaders")] public IReadOnlyDictionary<string, IReadOnlyList<string>>? MultiValueHeaders { get; init; }
    [JsonPropertyName("body")] public string? Body { get; init; }
    [JsonPropertyName("isBase64Encoded")] public bool IsBase64Encoded { get; init; }
}
