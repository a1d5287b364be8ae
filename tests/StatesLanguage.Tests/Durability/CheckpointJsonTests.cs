using System.Globalization;
using System.Text.Json.Nodes;
using StatesLanguage.Json;
using StatesLanguage.Runtime;

namespace StatesLanguage.Tests.Durability;

/// <summary>A checkpoint's JSON is what its members serialized as nodes give, character for character, and reads back.</summary>
public sealed class CheckpointJsonTests
{
    public static TheoryData<ExecutionCheckpoint> Checkpoints => new()
    {
        new ExecutionCheckpoint("Reserve", """{"orderId":"o-1","lines":[{"sku":"SKU-1","quantity":2}]}""", 7, new Dictionary<string, int>()),
        new ExecutionCheckpoint("Charge \"card\" é ✓ \t", """{"note":"line\nbreak <b>&</b> 'quoted' \\ back"}""", 12,
            new Dictionary<string, int> { ["0"] = 2, ["1"] = 1 })
        {
            Variables = """{"attempt":3,"reason":"PaymentGatewayUnavailable"}""",
        },
        new ExecutionCheckpoint("Branches", "[]", 40, new Dictionary<string, int> { ["0"] = 1 })
        {
            CompletedChildren = new Dictionary<int, string> { [10] = """{"b":10}""", [2] = "\"two\"", [0] = "null" },
        },
    };

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void ToJson_IsTheNodeSerializationOfItsMembers(ExecutionCheckpoint checkpoint)
    {
        Assert.Equal(JsonUtil.Serialize(AsNodes(checkpoint)), checkpoint.ToJson());
    }

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void Parse_ReadsBackEveryMember(ExecutionCheckpoint checkpoint)
    {
        var back = ExecutionCheckpoint.Parse(checkpoint.ToJson());

        Assert.Equal((checkpoint.StateName, checkpoint.StateInput, checkpoint.LastEventId, checkpoint.Variables),
            (back.StateName, back.StateInput, back.LastEventId, back.Variables));
        Assert.Equal(checkpoint.RetryCounts.OrderBy(p => p.Key), back.RetryCounts.OrderBy(p => p.Key));
        Assert.Equal(checkpoint.CompletedChildren?.OrderBy(p => p.Key), back.CompletedChildren?.OrderBy(p => p.Key));
    }

    private static JsonObject AsNodes(ExecutionCheckpoint checkpoint)
    {
        var obj = new JsonObject
        {
            ["stateName"] = checkpoint.StateName,
            ["stateInput"] = checkpoint.StateInput,
            ["lastEventId"] = checkpoint.LastEventId,
            ["retryCounts"] = new JsonObject(checkpoint.RetryCounts.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
        if (checkpoint.Variables is not null)
        {
            obj["variables"] = checkpoint.Variables;
        }
        if (checkpoint.CompletedChildren is not null)
        {
            obj["completedChildren"] = new JsonObject(checkpoint.CompletedChildren.OrderBy(p => p.Key)
                .Select(p => KeyValuePair.Create(p.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)p.Value)));
        }
        return obj;
    }
}
