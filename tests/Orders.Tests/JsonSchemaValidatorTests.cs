using System.Text.Json;
using ECommerce.Orders.Validation;

namespace ECommerce.Orders.Tests;

public sealed class JsonSchemaValidatorTests
{
    private static JsonSchemaValidator Compile(string schema) => new(JsonDocument.Parse(schema).RootElement);

    private static IReadOnlyList<ValidationProblem> Check(string schema, string instance) =>
        Compile(schema).Validate(JsonDocument.Parse(instance).RootElement);

    [Theory]
    [InlineData("""{"type": "string", "format": "email"}""", "format")]
    [InlineData("""{"type": "integer", "exclusiveMinimum": true, "minimum": 0}""", "exclusiveMinimum")]
    [InlineData("""{"properties": {"a": {"oneOf": [{"type": "string"}]}}}""", "oneOf")]
    [InlineData("""{"type": "array", "items": [{"type": "string"}]}""", "items")]
    [InlineData("""{"patternProperties": {"^x": {}}}""", "patternProperties")]
    public void Constructor_KeywordNotImplemented_Refuses(string schema, string keyword)
    {
        var error = Assert.Throws<NotSupportedException>(() => Compile(schema));

        Assert.Contains($"'{keyword}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ContractSchema_Compiles() => Assert.NotNull(new JsonSchemaValidator(OrderRequestValidator.LoadContractSchema()));

    [Theory]
    [InlineData("\"abc\"", true)]
    [InlineData("\"abc\\n\"", false)]
    public void Pattern_DollarMatchesOnlyTheEndAsInEcmaScript(string instance, bool valid) =>
        Assert.Equal(valid, Check("""{"type": "string", "pattern": "^[a-z]+$"}""", instance).Count == 0);

    [Theory]
    [InlineData("\"a\"", 0)]
    [InlineData("\"d\"", 1)]
    [InlineData("1", 1)]
    public void Enum_OnlyListedValues(string instance, int problems) =>
        Assert.Equal(problems, Check("""{"enum": ["a", "b"]}""", instance).Count);

    [Theory]
    [InlineData("\"😀😀\"", 0)]
    [InlineData("\"😀😀😀\"", 1)]
    public void MaxLength_CountsCodePoints(string instance, int problems) =>
        Assert.Equal(problems, Check("""{"type": "string", "maxLength": 2}""", instance).Count);

    [Theory]
    [InlineData("1e400", 1)]
    [InlineData("-1e400", 0)]
    [InlineData("10", 0)]
    public void Maximum_HugeNumbers_Compared(string instance, int problems) =>
        Assert.Equal(problems, Check("""{"type": "number", "maximum": 10}""", instance).Count);

    [Fact]
    public void Pointer_EscapesTildeAndSlash() =>
        Assert.Equal("/a~1b~0c", Assert.Single(Check("""{"additionalProperties": false}""", """{"a/b~c": 1}""")).Pointer);

    [Fact]
    public void AdditionalProperties_AsSchema_ValidatesExtraMembers() =>
        Assert.Equal("/x", Assert.Single(Check("""{"additionalProperties": {"type": "integer"}}""", """{"x": "s", "y": 2}""")).Pointer);
}
