using ECommerce.Orders.Contract;
using ECommerce.Orders.Domain;

namespace ECommerce.Orders.Tests;

public sealed class FailureReasonTests
{
    [Theory]
    [InlineData("InsufficientStock", """{"errorType":"InsufficientStock","errorMessage":"Not enough stock for SKU-OUT","trace":["a","b"]}""", "InsufficientStock: Not enough stock for SKU-OUT")]
    [InlineData("UnknownSku", """{"errorType":"UnknownSku","errorMessage":"Unknown SKU 'NOPE'","stackTrace":["at X"]}""", "UnknownSku: Unknown SKU 'NOPE'")]
    [InlineData("States.Timeout", "The task timed out after 10 seconds.", "States.Timeout: The task timed out after 10 seconds.")]
    [InlineData("States.Timeout", null, "States.Timeout")]
    [InlineData("States.Timeout", "   ", "States.Timeout")]
    [InlineData("AddressUnserviceable", """{"errorType":"AddressUnserviceable","errorMessage":"","trace":[]}""", "AddressUnserviceable")]
    [InlineData("States.TaskFailed", """{"detail":"no errorMessage here"}""", """States.TaskFailed: {"detail":"no errorMessage here"}""")]
    [InlineData("States.TaskFailed", "{not json", "States.TaskFailed: {not json")]
    [InlineData(null, "only a cause", "only a cause")]
    public void Describe_ErrorAndCause_NameThenReadableMessage(string? error, string? cause, string expected) =>
        Assert.Equal(expected, FailureReason.Describe(new SagaFailure(error, cause)));

    [Fact]
    public void Describe_NoFailure_IsNull()
    {
        Assert.Null(FailureReason.Describe(null));
        Assert.Null(FailureReason.Describe(new SagaFailure(null, null)));
    }

    [Fact]
    public void Describe_VeryLongCause_IsCutToMaxLength()
    {
        var reason = FailureReason.Describe(new SagaFailure("PaymentDeclined", new string('x', 40_000)));

        Assert.Equal(FailureReason.MaxLength, reason!.Length);
        Assert.StartsWith("PaymentDeclined: xxx", reason, StringComparison.Ordinal);
        Assert.EndsWith("…", reason, StringComparison.Ordinal);
    }
}
