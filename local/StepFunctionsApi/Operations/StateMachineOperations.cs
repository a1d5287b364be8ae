using System.Text.Json.Nodes;
using StepFunctionsApi.Persistence;
using StepFunctionsApi.Protocol;

namespace StepFunctionsApi.Operations;

/// <summary>CreateStateMachine, DescribeStateMachine, UpdateStateMachine, DeleteStateMachine, ListStateMachines.</summary>
internal sealed class StateMachineOperations(LocalStepFunctions sfn)
{
    private const int MaxDefinitionLength = 1_048_576;

    public JsonObject Create(ApiRequest request)
    {
        var name = request.RequiredString("name", Identifiers.MaxNameLength);
        var definition = request.RequiredString("definition", MaxDefinitionLength);
        var roleArn = RoleArn(request.RequiredString("roleArn", Identifiers.MaxArnLength));
        var type = request.OptionalEnum("type", "STANDARD", "EXPRESS") ?? "STANDARD";
        Identifiers.CheckName(name);
        var arn = sfn.StateMachineArn(name);
        var existing = sfn.Store.GetStateMachine(arn);
        if (existing is not null)
        {
            // AWS: creating the same machine again is idempotent; a different one under the same name is refused.
            if (existing.Definition == definition && existing.RoleArn == roleArn && existing.Type == type)
            {
                return new JsonObject { ["stateMachineArn"] = arn, ["creationDate"] = AwsJson.Timestamp(existing.CreationDate) };
            }
            throw new AwsApiException("StateMachineAlreadyExists", $"State Machine Already Exists: '{arn}'");
        }
        var now = sfn.Options.Clock.GetUtcNow();
        var record = new StateMachineRecord(arn, name, definition, roleArn, type, now, now, Guid.NewGuid().ToString());
        sfn.Register(record);
        sfn.Store.UpsertStateMachine(record);
        return new JsonObject { ["stateMachineArn"] = arn, ["creationDate"] = AwsJson.Timestamp(now) };
    }

    public JsonObject Describe(ApiRequest request)
    {
        var machine = Existing(request);
        return new JsonObject
        {
            ["stateMachineArn"] = machine.Arn,
            ["name"] = machine.Name,
            ["status"] = "ACTIVE",
            ["definition"] = machine.Definition,
            ["roleArn"] = machine.RoleArn,
            ["type"] = machine.Type,
            ["creationDate"] = AwsJson.Timestamp(machine.CreationDate),
            ["loggingConfiguration"] = new JsonObject { ["level"] = "OFF", ["includeExecutionData"] = false },
            ["tracingConfiguration"] = new JsonObject { ["enabled"] = false },
            ["revisionId"] = machine.RevisionId,
        };
    }

    public JsonObject Update(ApiRequest request)
    {
        var machine = Existing(request);
        var definition = request.OptionalString("definition", MaxDefinitionLength);
        var roleArn = request.OptionalString("roleArn", Identifiers.MaxArnLength) is { } role ? RoleArn(role) : null;
        if (definition is null && roleArn is null)
        {
            throw new AwsApiException("MissingRequiredParameter", "Either the definition or the roleArn must be specified.");
        }
        var now = sfn.Options.Clock.GetUtcNow();
        var updated = machine with
        {
            Definition = definition ?? machine.Definition,
            RoleArn = roleArn ?? machine.RoleArn,
            UpdateDate = now,
            RevisionId = Guid.NewGuid().ToString(),
        };
        sfn.Register(updated);
        sfn.Store.UpsertStateMachine(updated);
        return new JsonObject { ["updateDate"] = AwsJson.Timestamp(now), ["revisionId"] = updated.RevisionId };
    }

    /// <summary>AWS answers 200 for a machine that does not exist; running executions finish on the definition they started with.</summary>
    public JsonObject Delete(ApiRequest request)
    {
        var (arn, _) = Identifiers.ParseStateMachineArn(request.RequiredString("stateMachineArn", Identifiers.MaxArnLength));
        sfn.Store.DeleteStateMachine(arn);
        sfn.Unregister(arn);
        return [];
    }

    public JsonObject List(ApiRequest request)
    {
        var max = request.OptionalInt("maxResults", 0, 1000) is { } m and > 0 ? m : 100;
        var token = request.OptionalString("nextToken", 1024);
        var offset = token is null ? 0 : (int)AwsJson.ReadPageToken(token, "machines", 1)[0];
        var all = sfn.Store.ListStateMachines();
        var page = all.Skip(offset).Take(max).ToList();
        var result = new JsonObject
        {
            ["stateMachines"] = new JsonArray(page.Select(sm => (JsonNode)new JsonObject
            {
                ["stateMachineArn"] = sm.Arn,
                ["name"] = sm.Name,
                ["type"] = sm.Type,
                ["creationDate"] = AwsJson.Timestamp(sm.CreationDate),
            }).ToArray()),
        };
        if (offset + page.Count < all.Count)
        {
            result["nextToken"] = AwsJson.PageToken("machines", offset + page.Count);
        }
        return result;
    }

    private StateMachineRecord Existing(ApiRequest request)
    {
        var (arn, _) = Identifiers.ParseStateMachineArn(request.RequiredString("stateMachineArn", Identifiers.MaxArnLength));
        return sfn.Store.GetStateMachine(arn) ?? throw AwsApiException.StateMachineDoesNotExist(arn);
    }

    private static string RoleArn(string arn) =>
        arn.StartsWith("arn:", StringComparison.Ordinal) && arn.Split(':').Length >= 6 ? arn : throw AwsApiException.InvalidArn(arn);
}
