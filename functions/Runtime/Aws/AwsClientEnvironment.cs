namespace ECommerce.Runtime.Aws;

/// <summary>Region and endpoint resolution the way the AWS SDKs and CLI read them from the environment.</summary>
internal static class AwsClientEnvironment
{
    /// <summary>AWS_REGION, else AWS_DEFAULT_REGION; <paramref name="serviceTitle"/> names the service in the error.</summary>
    public static string Region(Func<string, string?> variable, string serviceTitle) =>
        FirstSet(variable, "AWS_REGION", "AWS_DEFAULT_REGION")
        ?? throw new InvalidOperationException($"Set AWS_REGION (or AWS_DEFAULT_REGION) to call {serviceTitle}.");

    /// <summary>
    /// The service-specific endpoint variable (e.g. AWS_ENDPOINT_URL_SNS), else AWS_ENDPOINT_URL, else the public
    /// regional endpoint <c>https://{endpointPrefix}.{region}.amazonaws.com</c>.
    /// </summary>
    public static Uri Endpoint(Func<string, string?> variable, string serviceEndpointVariable, string endpointPrefix, string region) =>
        new(FirstSet(variable, serviceEndpointVariable, "AWS_ENDPOINT_URL") ?? $"https://{endpointPrefix}.{region}.amazonaws.com");

    private static string? FirstSet(Func<string, string?> variable, params string[] names) =>
        names.Select(variable).FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
}
