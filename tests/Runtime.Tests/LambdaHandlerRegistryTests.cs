using System.Text.Json;
using System.Text.Json.Serialization;

namespace ECommerce.Runtime.Tests;

public sealed record Greeting([property: JsonPropertyName("name")] string Name);

public sealed record Reply([property: JsonPropertyName("message")] string Message);

[JsonSerializable(typeof(Greeting))]
[JsonSerializable(typeof(Reply))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

public sealed class LambdaHandlerRegistryTests
{
    private static readonly LambdaContext Context = LambdaContext.ForLocalInvocation("test", TimeSpan.FromSeconds(30));

    private static LambdaHandlerRegistry TypedRegistry() => new LambdaHandlerRegistry().Register(
        "Greet",
        () => TestJsonContext.Default.Greeting,
        () => TestJsonContext.Default.Reply,
        (greeting, _, _) => Task.FromResult(new Reply($"Hello, {greeting.Name}")));

    [Fact]
    public async Task InvokeAsync_TypedHandler_DeserializesInputAndSerializesOutput()
    {
        var response = await TypedRegistry().InvokeAsync("Greet", """{"name":"Ada"}""", Context, CancellationToken.None);

        Assert.Equal("""{"message":"Hello, Ada"}""", response);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("null")]
    [InlineData("[1,2]")]
    public async Task InvokeAsync_PayloadNotOfTheInputType_ThrowsJsonSerializerException(string payload)
    {
        var error = await Assert.ThrowsAsync<FunctionErrorException>(
            () => TypedRegistry().InvokeAsync("Greet", payload, Context, CancellationToken.None));

        Assert.Equal(LambdaHandlerRegistry.SerializationErrorType, error.ErrorType);
        Assert.Contains(nameof(Greeting), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_UnknownHandler_ThrowsHandlerNotFoundNamingTheKnownOnes()
    {
        var error = await Assert.ThrowsAsync<FunctionErrorException>(
            () => TypedRegistry().InvokeAsync("Nope", "{}", Context, CancellationToken.None));

        Assert.Equal(LambdaHandlerRegistry.HandlerNotFoundErrorType, error.ErrorType);
        Assert.Contains("Greet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_BusinessError_PropagatesUnchanged()
    {
        var registry = new LambdaHandlerRegistry().Register(
            "Charge",
            (_, _, _) => throw new FunctionErrorException("PaymentGatewayUnavailable", "gateway down", isTransient: true));

        var error = await Assert.ThrowsAsync<FunctionErrorException>(() => registry.InvokeAsync("Charge", "{}", Context, CancellationToken.None));

        Assert.Equal("PaymentGatewayUnavailable", error.ErrorType);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public void Register_SameNameTwice_Throws()
    {
        var registry = TypedRegistry();

        Assert.Throws<ArgumentException>(() => registry.Register("Greet", (_, _, _) => Task.FromResult("{}")));
        Assert.Equal(["Greet"], registry.HandlerNames);
    }

    [Fact]
    public void FromException_FunctionError_KeepsErrorTypeAndMessage()
    {
        var error = LambdaError.FromException(new FunctionErrorException("UnknownSku", "SKU 'X' is not in the catalogue."));

        Assert.Equal(new LambdaError("UnknownSku", "SKU 'X' is not in the catalogue.", []), error with { StackTrace = [] });
    }

    [Fact]
    public void FromException_OtherException_UsesTheShortTypeName()
    {
        var error = LambdaError.FromException(new TimeoutException("slow"));

        Assert.Equal("TimeoutException", error.ErrorType);
        Assert.Equal(
            """{"errorType":"TimeoutException","errorMessage":"slow","stackTrace":[]}""",
            JsonSerializer.Serialize(error, RuntimeJsonContext.Default.LambdaError));
    }
}
