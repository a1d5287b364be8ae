using ECommerce.Orders.Validation;

namespace Orders.Tests;

public sealed class CardNumberRefusalTests
{
    private const string Visa = "4111111111111111";

    private static string Order(string token = "tok_visa", string postalCode = "12345", string name = "A B") =>
        "{\"customerId\":\"c-1\",\"lines\":[{\"sku\":\"SKU-1\",\"quantity\":1}],\"payment\":{\"token\":\"" + token
        + "\"},\"shipping\":{\"name\":\"" + name + "\",\"line1\":\"1 Main St\",\"city\":\"Springfield\",\"postalCode\":\""
        + postalCode + "\",\"country\":\"US\"}}";

    [Theory]
    [InlineData("tok_" + Visa + "x", "12345", "A B", "/payment/token")]
    [InlineData("tok_visa", Visa, "A B", "/shipping/postalCode")]
    [InlineData("tok_visa", "12345", "card " + Visa, "/shipping/name")]
    public void Validate_CardNumberHiddenInAnAllowedField_IsRefusedWithoutRepeatingIt(string token, string postalCode, string name, string pointer)
    {
        var result = OrderRequestValidator.Default.Validate(Order(token, postalCode, name));

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(pointer, problem.Pointer);
        Assert.Contains("card number", problem.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Visa, result.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4111111111111112")] // fails Luhn
    [InlineData("123456789012")] // 12 digits: too short for a card
    [InlineData("41111111111111111111")] // 20 digits: too long for a card
    public void Validate_DigitRunsThatAreNotCardNumbers_AreAccepted(string digits)
    {
        Assert.True(OrderRequestValidator.Default.Validate(Order(token: "tok_" + digits)).IsValid);
    }
}
