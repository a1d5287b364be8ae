using System.Text.Json.Nodes;
using StatesLanguage.Definition;
using StatesLanguage.Json;

namespace StatesLanguage.Runtime;

/// <summary>Map state settings that may come from literals or paths: concurrency, tolerated failures, batching.</summary>
internal static class MapSettings
{
    /// <summary>The run fails when either threshold set is passed; with neither set, one failure is too many.</summary>
    public static bool ExceedsTolerance(int failures, int total, int? count, double? percentage)
    {
        if (count is null && percentage is null)
        {
            return failures > 0;
        }
        return (count is not null && failures > count) || (percentage is not null && failures * 100.0 / total > percentage);
    }

    public static int MaxConcurrency(StateDefinition state, JsonNode? input, JsonNode? context)
    {
        if (state.MaxConcurrencyPath is not null)
        {
            var value = DataFlow.SelectPath(state.MaxConcurrencyPath, input, context, "MaxConcurrencyPath");
            if (!TryGetNumberOrNumericString(value, out var n) || decimal.Truncate(n) != n || n < 0 || n > int.MaxValue)
            {
                throw new RuntimeFailure(
                    $"The MaxConcurrencyPath field refers to value \"{Show(value)}\" which is not a valid integer: {state.MaxConcurrencyPath}");
            }
            return (int)n;
        }
        return state.MaxConcurrency is not null && JsonUtil.TryGetNumber(state.MaxConcurrency, out var literal) ? (int)literal : 0;
    }

    public static (int? Count, double? Percentage) Tolerance(StateDefinition state, JsonNode? input, JsonNode? context)
    {
        var count = 0;
        var percentage = 0.0;
        if (state.ToleratedFailureCountPath is not null)
        {
            var value = DataFlow.SelectPath(state.ToleratedFailureCountPath, input, context, "ToleratedFailureCountPath");
            if (!TryGetNumberOrNumericString(value, out var n) || decimal.Truncate(n) != n)
            {
                throw new RuntimeFailure(
                    $"The ToleratedFailureCountPath field refers to value \"{Show(value)}\" which is not a valid integer: {state.ToleratedFailureCountPath}");
            }
            count = (int)n;
        }
        else if (state.ToleratedFailureCount is not null && JsonUtil.TryGetNumber(state.ToleratedFailureCount, out var c))
        {
            count = (int)c;
        }
        if (count < 0)
        {
            throw new RuntimeFailure("ToleratedFailureCount cannot be negative.");
        }
        if (state.ToleratedFailurePercentagePath is not null)
        {
            var value = DataFlow.SelectPath(state.ToleratedFailurePercentagePath, input, context, "ToleratedFailurePercentagePath");
            if (!TryGetNumberOrNumericString(value, out var p))
            {
                throw new RuntimeFailure(
                    $"The ToleratedFailurePercentagePath field refers to value \"{Show(value)}\" which is not a valid float: {state.ToleratedFailurePercentagePath}");
            }
            percentage = (double)p;
        }
        else if (state.ToleratedFailurePercentage is not null)
        {
            JsonUtil.TryGetDouble(state.ToleratedFailurePercentage, out percentage);
        }
        if (percentage is < 0 or > 100)
        {
            throw new RuntimeFailure("ToleratedFailurePercentage must be between 0 and 100.");
        }
        var hasCount = state.ToleratedFailureCount is not null || state.ToleratedFailureCountPath is not null;
        var hasPercentage = state.ToleratedFailurePercentage is not null || state.ToleratedFailurePercentagePath is not null;
        return (hasCount ? count : null, hasPercentage ? percentage : null);
    }

    /// <summary>AWS also takes these settings as numeric strings (a variable assigned "1" works).</summary>
    private static bool TryGetNumberOrNumericString(JsonNode? value, out decimal number) =>
        JsonUtil.TryGetNumber(value, out number)
        || (JsonUtil.TryGetString(value, out var text)
            && decimal.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out number));

    private static string Show(JsonNode? value) => JsonUtil.TryGetString(value, out var s) ? s : JsonUtil.Serialize(value);

    /// <summary>Groups item inputs into batches: {"Items": [...]} plus BatchInput, per ItemBatcher.</summary>
    public static List<JsonNode?> Batch(JsonObject batcher, List<JsonNode?> items, JsonNode? input)
    {
        var maxItems = int.MaxValue;
        if (batcher["MaxItemsPerBatch"] is { } m && JsonUtil.TryGetNumber(m, out var mi))
        {
            maxItems = (int)mi;
        }
        else if (batcher["MaxItemsPerBatchPath"] is { } mp && JsonUtil.TryGetString(mp, out var path))
        {
            maxItems = JsonUtil.TryGetNumber(DataFlow.SelectPath(path, input, null, "MaxItemsPerBatchPath"), out var v) ? (int)v : int.MaxValue;
        }
        var maxBytes = batcher["MaxInputBytesPerBatch"] is { } b && JsonUtil.TryGetNumber(b, out var bv) ? (int)bv : 256 * 1024;
        var batchInput = batcher["BatchInput"];
        var batches = new List<JsonNode?>();
        JsonArray? current = null;
        var currentBytes = 0;
        foreach (var item in items)
        {
            var size = JsonUtil.Utf8Size(JsonUtil.Serialize(item));
            if (current is null || current.Count >= maxItems || currentBytes + size > maxBytes)
            {
                current = [];
                currentBytes = 0;
                var batch = new JsonObject();
                if (batchInput is not null)
                {
                    batch["BatchInput"] = DataFlow.EvaluateTemplate(batchInput, input, null);
                }
                batch["Items"] = current;
                batches.Add(batch);
            }
            current.Add(JsonUtil.Clone(item));
            currentBytes += size;
        }
        return batches;
    }
}
