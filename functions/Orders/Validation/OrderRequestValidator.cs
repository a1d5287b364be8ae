using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using ECommerce.Orders.Contract;

namespace ECommerce.Orders.Validation;

/// <summary>The outcome of validating a POST /orders body: the parsed order, or every problem found.</summary>
public sealed record OrderValidationResult(CreateOrderRequest? Order, IReadOnlyList<ValidationProblem> Problems)
{
    public bool IsValid => Order is not null && Problems.Count == 0;

    /// <summary>The problems on one line each, for an order's rejection reason.</summary>
    public string Describe() => string.Join("; ", Problems);
}

/// <summary>
/// Validates a body against the contract's JSON schema (embedded from Contract/orders-api.openapi.json) and the rules a
/// schema cannot state: size, duplicate member names and distinct SKUs.
/// </summary>
public sealed class OrderRequestValidator
{
    public const int MaxBodyBytes = 64 * 1024;

    private const string ContractResource = "ECommerce.Orders.orders-api.openapi.json";

    private static readonly Lazy<OrderRequestValidator> FromContract = new(() => new OrderRequestValidator(LoadContractSchema()));

    private readonly JsonSchemaValidator _schema;

    public OrderRequestValidator(JsonElement createOrderRequestSchema)
    {
        _schema = new JsonSchemaValidator(createOrderRequestSchema);
    }

    /// <summary>The validator for the contract's CreateOrderRequest schema.</summary>
    public static OrderRequestValidator Default => FromContract.Value;

    /// <summary>components.schemas.CreateOrderRequest from the embedded OpenAPI document.</summary>
    public static JsonElement LoadContractSchema()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ContractResource)
            ?? throw new InvalidOperationException($"Embedded resource {ContractResource} is missing.");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("CreateOrderRequest").Clone();
    }

    public OrderValidationResult Validate(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return Rejected(new ValidationProblem(string.Empty, "body is empty; a JSON order is required"));
        }

        var size = Encoding.UTF8.GetByteCount(body);
        if (size > MaxBodyBytes)
        {
            return Rejected(new ValidationProblem(string.Empty, $"body is {size} bytes; at most {MaxBodyBytes} are accepted"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException exception)
        {
            return Rejected(new ValidationProblem(string.Empty, $"body is not valid JSON ({DescribeJsonError(exception)})"));
        }

        using (document)
        {
            var problems = new List<ValidationProblem>();
            FindDuplicateMembers(document.RootElement, string.Empty, problems);
            problems.AddRange(_schema.Validate(document.RootElement));
            FindDuplicateSkus(document.RootElement, problems);
            FindCardNumbers(document.RootElement, string.Empty, problems);
            if (problems.Count > 0)
            {
                return new OrderValidationResult(null, problems);
            }

            var order = document.RootElement.Deserialize(OrdersJsonContext.Default.CreateOrderRequest)
                ?? throw new InvalidOperationException("A schema-valid order deserialized to null.");
            return new OrderValidationResult(order, []);
        }
    }

    private static OrderValidationResult Rejected(ValidationProblem problem) => new(null, [problem]);

    // Line and position, never the offending text: the body may hold card data.
    private static string DescribeJsonError(JsonException exception) =>
        string.Create(CultureInfo.InvariantCulture, $"line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}");

    // A repeated member is read differently by different parsers (first or last wins), so it is refused outright.
    private static void FindDuplicateMembers(JsonElement element, string pointer, List<ValidationProblem> problems)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var at = JsonSchemaValidator.AppendPointer(pointer, property.Name);
                if (!seen.Add(property.Name))
                {
                    problems.Add(new ValidationProblem(at, "appears more than once"));
                }

                FindDuplicateMembers(property.Value, at, problems);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                FindDuplicateMembers(item, JsonSchemaValidator.AppendPointer(pointer, (index++).ToString(CultureInfo.InvariantCulture)), problems);
            }
        }
    }

    /// <summary>
    /// Refuses any string holding a card-like number (13-19 digits passing the Luhn check), so that card data cannot be
    /// smuggled into storage or logs through a token, a name or an address line. The reason never repeats the value.
    /// </summary>
    private static void FindCardNumbers(JsonElement element, string pointer, List<ValidationProblem> problems)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    FindCardNumbers(property.Value, pointer + "/" + property.Name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal), problems);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    FindCardNumbers(item, pointer + "/" + index++.ToString(CultureInfo.InvariantCulture), problems);
                }

                break;
            case JsonValueKind.String when CardNumbers.Contains(element.GetString()!):
                problems.Add(new ValidationProblem(pointer, "looks like a card number; send a payment token (tok_...), never card data"));
                break;
        }
    }

    private static void FindDuplicateSkus(JsonElement root, List<ValidationProblem> problems)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("lines", out var lines)
            || lines.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var firstIndexBySku = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        foreach (var line in lines.EnumerateArray())
        {
            if (line.ValueKind == JsonValueKind.Object
                && line.TryGetProperty("sku", out var sku)
                && sku.ValueKind == JsonValueKind.String
                && !firstIndexBySku.TryAdd(sku.GetString()!, index))
            {
                problems.Add(new ValidationProblem(
                    $"/lines/{index}/sku",
                    $"repeats the SKU of /lines/{firstIndexBySku[sku.GetString()!]}; each SKU may appear once (merge the quantities)"));
            }

            index++;
        }
    }
}
