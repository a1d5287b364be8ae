using System.Net.Http.Headers;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace ECommerce.Runtime.Aws;

/// <summary>
/// Builds SigV4-signed POST requests with AWSSDK.Core's public signer: the one signing path of every small AWS client
/// in this project (Step Functions, SNS), so a signature checked against botocore for one holds for all.
/// </summary>
internal sealed class SigV4RequestFactory
{
    private readonly AWSCredentials _credentials;
    private readonly RegionEndpoint _region;
    private readonly string _service;

    /// <param name="credentials">Who signs.</param>
    /// <param name="region">Signing region, e.g. us-east-1.</param>
    /// <param name="service">Signing service name, e.g. <c>states</c> or <c>sns</c>.</param>
    public SigV4RequestFactory(AWSCredentials credentials, string region, string service)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        _credentials = credentials;
        _region = RegionEndpoint.GetBySystemName(region);
        _service = service;
    }

    /// <summary>
    /// A POST of <paramref name="body"/> to <paramref name="endpoint"/> carrying <paramref name="contentType"/>, the extra
    /// <paramref name="headers"/> and the signature headers. <paramref name="signedAt"/> fixes the signing time (tests).
    /// </summary>
    public async Task<HttpRequestMessage> CreateSignedPostAsync(
        Uri endpoint,
        byte[] body,
        string contentType,
        IReadOnlyDictionary<string, string> headers,
        DateTime? signedAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(headers);
        var signingRequest = new AWSSigningRequest
        {
            HttpMethod = HttpMethod.Post,
            RequestUri = endpoint,
            Content = body,
        };
        signingRequest.Headers["Content-Type"] = contentType;
        foreach (var (name, value) in headers)
        {
            signingRequest.Headers[name] = value;
        }

        var parameters = new AWSSigV4Parameters
        {
            Credentials = _credentials,
            Region = _region,
            Service = _service,
            SignedAt = signedAt,
        };
        var signature = await AWSSigV4Signer.SignAsync(signingRequest, parameters, cancellationToken).ConfigureAwait(false);

        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        // Sent exactly as signed: MediaTypeHeaderValue could re-format parameters such as "; charset=utf-8".
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        foreach (var (name, value) in signature.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
