using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;
using ECommerce.Runtime.Aws;

namespace ECommerce.Runtime.Sns;

/// <summary>Where and as whom the client calls SNS.</summary>
public sealed record SnsClientOptions : AwsClientOptions
{
    /// <summary>
    /// Reads AWS_REGION/AWS_DEFAULT_REGION and AWS_ENDPOINT_URL_SNS/AWS_ENDPOINT_URL (else the regional endpoint);
    /// credentials come from the SDK's default chain.
    /// </summary>
    public static SnsClientOptions FromEnvironment() => FromVariables(Environment.GetEnvironmentVariable, DefaultCredentials);

    /// <summary><see cref="FromEnvironment"/> over any variable source (tests pass a dictionary).</summary>
    public static SnsClientOptions FromVariables(Func<string, string?> variable, Func<AWSCredentials> credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var (endpoint, region) = Locate(variable, "SNS", "AWS_ENDPOINT_URL_SNS", "sns");
        return new SnsClientOptions { Endpoint = endpoint, Region = region, Credentials = credentials() };
    }
}

/// <summary>
/// A small SNS client (Query protocol: form-encoded POST, XML answers; SigV4) on AWSSDK.Core, standing in for
/// AWSSDK.SimpleNotificationService, which is not available here.
/// </summary>
public sealed class SnsClient : IDisposable
{
    private const string SigningService = "sns";
    private const string ApiVersion = "2010-03-31";
    private const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";

    private static readonly Dictionary<string, string> NoExtraHeaders = [];

    private readonly SnsClientOptions _options;
    private readonly SigV4RequestFactory _signer;
    private readonly HttpClient _http;

    public SnsClient(SnsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _signer = new SigV4RequestFactory(options.Credentials, options.Region, SigningService);
        _http = options.HttpHandler is null ? new HttpClient() : new HttpClient(options.HttpHandler, disposeHandler: false);
    }

    /// <summary>A client configured from the Lambda environment (see <see cref="SnsClientOptions.FromEnvironment"/>).</summary>
    public static SnsClient FromEnvironment() => new(SnsClientOptions.FromEnvironment());

    /// <summary>Publish: one message to a topic; returns the message id SNS assigned.</summary>
    public async Task<PublishResponse> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await CallAsync("Publish", PublishParameters(request), "PublishResult", cancellationToken).ConfigureAwait(false);
        return new PublishResponse(RequiredText(result, "MessageId", "Publish"));
    }

    /// <summary>CreateTopic (idempotent by name): returns the topic's ARN.</summary>
    public async Task<CreateTopicResponse> CreateTopicAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var result = await CallAsync("CreateTopic", [new("Name", name)], "CreateTopicResult", cancellationToken).ConfigureAwait(false);
        return new CreateTopicResponse(RequiredText(result, "TopicArn", "CreateTopic"));
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The Query parameters of a Publish, in the order they are sent (without Action and Version).</summary>
    internal static List<KeyValuePair<string, string>> PublishParameters(PublishRequest request)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("TopicArn", request.TopicArn), new("Message", request.Message) };
        if (request.Subject is not null)
        {
            parameters.Add(new("Subject", request.Subject));
        }

        var entry = 0;
        foreach (var (name, value) in request.MessageAttributes.OrderBy(attribute => attribute.Key, StringComparer.Ordinal))
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"MessageAttributes.entry.{++entry}.");
            parameters.Add(new(prefix + "Name", name));
            parameters.Add(new(prefix + "Value.DataType", value.DataType));
            parameters.Add(new(prefix + "Value.StringValue", value.StringValue));
        }

        return parameters;
    }

    /// <summary>The form body of one action: <c>Action=..&amp;Version=2010-03-31&amp;...</c>, RFC 3986 percent-encoded.</summary>
    internal static byte[] FormBody(string action, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        IEnumerable<KeyValuePair<string, string>> all = [new("Action", action), new("Version", ApiVersion), .. parameters];
        var form = string.Join('&', all.Select(pair => Uri.EscapeDataString(pair.Key) + "=" + Uri.EscapeDataString(pair.Value)));
        return Encoding.UTF8.GetBytes(form);
    }

    /// <summary>Builds the signed HTTP request for a form body (separate so the signature can be checked offline).</summary>
    internal Task<HttpRequestMessage> CreateSignedRequestAsync(byte[] body, DateTime? signedAt, CancellationToken cancellationToken) =>
        _signer.CreateSignedPostAsync(_options.Endpoint, body, ContentType, NoExtraHeaders, signedAt, cancellationToken);

    private async Task<XElement> CallAsync(
        string action,
        IEnumerable<KeyValuePair<string, string>> parameters,
        string resultElement,
        CancellationToken cancellationToken)
    {
        using var request = await CreateSignedRequestAsync(FormBody(action, parameters), signedAt: null, cancellationToken).ConfigureAwait(false);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw ToException(response, body);
        }

        var document = ParseXml(body) ?? throw new InvalidDataException($"SNS {action} returned a document that is not XML: {Shorten(body)}");
        return document.Descendants().FirstOrDefault(element => element.Name.LocalName == resultElement)
            ?? throw new InvalidDataException($"SNS {action} returned no {resultElement}: {Shorten(body)}");
    }

    private static string RequiredText(XElement result, string name, string action) =>
        result.Elements().FirstOrDefault(element => element.Name.LocalName == name)?.Value is { Length: > 0 } text
            ? text
            : throw new InvalidDataException($"SNS {action} returned no {name}.");

    /// <summary>Maps <c>ErrorResponse/Error/Code,Message</c> (or, for a body that is not XML, the HTTP status) to an exception.</summary>
    internal static SnsException ToException(HttpResponseMessage response, string body)
    {
        var error = ParseXml(body)?.Descendants().FirstOrDefault(element => element.Name.LocalName == "Error");
        var code = Child(error, "Code") ?? $"Http{(int)response.StatusCode}";
        var message = Child(error, "Message") ?? (error is null ? Shorten(body) : string.Empty);
        return new SnsException(code, message, response.StatusCode);
    }

    private static string? Child(XElement? parent, string name) =>
        parent?.Elements().FirstOrDefault(element => element.Name.LocalName == name)?.Value;

    private static XDocument? ParseXml(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return XDocument.Parse(body);
        }
        catch (XmlException)
        {
            // A proxy's HTML page or a truncated answer: the caller falls back to the HTTP status.
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
