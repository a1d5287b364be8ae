using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace ECommerce.Runtime.Aws;

/// <summary>Where and as whom a client calls an AWS service; each client's options add how its service is found.</summary>
public abstract record AwsClientOptions
{
    public required Uri Endpoint { get; init; }

    /// <summary>Signing region, e.g. us-east-1.</summary>
    public required string Region { get; init; }

    public required AWSCredentials Credentials { get; init; }

    /// <summary>Optional HTTP transport; the client does not dispose it.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>The SDK's default credential chain (environment, profile, container/instance role).</summary>
    protected static AWSCredentials DefaultCredentials() => DefaultAWSCredentialsIdentityResolver.GetCredentials(null);

    /// <summary>
    /// Region from AWS_REGION, else AWS_DEFAULT_REGION; endpoint from the service's own variable (e.g.
    /// AWS_ENDPOINT_URL_SNS), else AWS_ENDPOINT_URL, else <c>https://{endpointPrefix}.{region}.amazonaws.com</c>,
    /// the way the AWS SDKs and CLI read them. <paramref name="serviceTitle"/> names the service in the error.
    /// </summary>
    protected static (Uri Endpoint, string Region) Locate(
        Func<string, string?> variable, string serviceTitle, string serviceEndpointVariable, string endpointPrefix)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var region = FirstSet(variable, "AWS_REGION", "AWS_DEFAULT_REGION")
            ?? throw new InvalidOperationException($"Set AWS_REGION (or AWS_DEFAULT_REGION) to call {serviceTitle}.");
        var endpoint = FirstSet(variable, serviceEndpointVariable, "AWS_ENDPOINT_URL") ?? $"https://{endpointPrefix}.{region}.amazonaws.com";
        return (new Uri(endpoint), region);
    }

    private static string? FirstSet(Func<string, string?> variable, params string[] names) =>
        names.Select(variable).FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
}
